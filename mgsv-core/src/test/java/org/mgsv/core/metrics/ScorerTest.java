package org.mgsv.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerTest {

    static RunEntry q(String vid, String gt, List<String> ranking, double ps, double pe, double gs, double ge, double dur) {
        return new RunEntry(vid, gt, ranking, ps, pe, gs, ge, dur);
    }

    @Test
    void deduplicatesRanking() {
        RunEntry e = q("v", "g", List.of("a", "b", "a", "b", "c", "g", "g"), 0, 1, 0, 1, 10);
        QueryOutcome o = Scorer.outcome(e);
        assertEquals(3, o.rank0());
    }

    @Test
    void iouClampsAsReference() {
        // pred start < 0 -> 0 : pred [0,10] vs gt [0,10]
        assertEquals(1f, MomentIou.iou(0, 10, 100, -5, 10));
        // pred end > 240 -> 240, then > duration 230 -> 230: pred [220,230] vs gt [220,230]
        assertEquals(1f, MomentIou.iou(220, 230, 230, 220, 300));
        // end clamped to duration only (250 > 240 > 100): pred [90,100] vs gt [90,100]
        assertEquals(1f, MomentIou.iou(90, 100, 100, 90, 250));
        // zero-length and inverted ground truth -> 0
        assertEquals(0f, MomentIou.iou(5, 5, 100, 5, 5));
        assertEquals(0f, MomentIou.iou(6, 5, 100, 0, 10));
        // inverted prediction: union <= 0 -> 0
        assertEquals(0f, MomentIou.iou(20, 25, 100, 50, 10));
        // prediction after the track end: clamped end < start, no overlap -> 0
        assertEquals(0f, MomentIou.iou(10, 20, 60, 70, 80));
        // regular
        assertEquals(0.5f, MomentIou.iou(0, 10, 100, 0, 5));
        assertEquals(1f / 3f, MomentIou.iou(0, 10, 100, 5, 15), 1e-7f);
    }

    @Test
    void thresholdsAreStrict() {
        // IoU exactly 0.5 counts for IoU@0.3 but not IoU@0.5
        List<RunEntry> run = List.of(q("v1", "g", List.of("g"), 0, 5, 0, 10, 100));
        PaperMetrics m = Scorer.score(run);
        assertEquals(0.5, m.get("mIoU"));
        assertEquals(100.0, m.get("IoU@0.3"));
        assertEquals(0.0, m.get("IoU@0.5"));
        assertEquals(0.0, m.get("R1_iou0.5"));
    }

    @Test
    void fullRankingMetrics() {
        // ranks 0, 0, 2, 9 (4 queries), IoUs 1, 0.5, 0.8, 0.2
        List<RunEntry> run = new ArrayList<>();
        run.add(q("v1", "a", List.of("a", "b", "c"), 0, 10, 0, 10, 100));
        run.add(q("v2", "b", List.of("b", "a", "b"), 0, 5, 0, 10, 100));
        run.add(q("v3", "c", List.of("a", "a", "b", "c"), 0, 8, 0, 10, 100));
        List<String> long10 = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            long10.add("x" + i);
        }
        long10.add("d");
        run.add(q("v4", "d", long10, 0, 2, 0, 10, 100));
        PaperMetrics m = Scorer.score(run);
        assertEquals(50.0, m.get("R1"));
        assertEquals(75.0, m.get("R3"));
        assertEquals(75.0, m.get("R5"));
        assertEquals(100.0, m.get("R10"));
        assertEquals(1.0 + 1.0, m.get("MedianR")); // median(0,0,2,9) = 1, +1
        assertEquals((0 + 0 + 2 + 9) / 4.0 + 1, m.get("MeanR"));
        assertEquals((1 + 1 + 1.0 / 3 + 0.1) / 4, m.get("MRR"), 1e-15);
        assertEquals((1f + 0.5f + 0.8f + 0.2f) / 4f, m.get("mIoU"), 1e-7);
        // MoR@1 at 0.5: only v1 (rank 0, IoU 1); v2 has IoU exactly 0.5
        assertEquals(25.0, m.get("R1_iou0.5"), 1e-5);
        assertEquals(50.0, m.get("R10_iou0.5"), 1e-5); // v1 and v3
        assertEquals(50.0, m.get("R10_iou0.7"), 1e-5); // v1 and v3 (0.8)
        assertEquals(25.0, m.get("R1_iou0.7"), 1e-5);
        // R{k}_miou is the mean over the queries ranked within k; upstream divides by N once more
        assertEquals((1.0 + 0.5) / 2, m.get("R1_miou"), 1e-7);
        assertEquals((1.0 + 0.5) / 2 / 4, m.get("R1_miou_upstream"), 1e-7);
        assertEquals((1.0 + 0.5 + 0.8 + 0.2) / 4, m.get("R10_miou"), 1e-7);
        assertTrue(m.warnings().isEmpty(), m.warnings().toString());
        assertEquals(PaperMetrics.KEYS, List.copyOf(m.values().keySet()));
    }

    @Test
    void truncatedRankings() {
        // v2's ground truth is not among its 3 listed distinct ids: ranks decided only up to k = 3
        List<RunEntry> run = List.of(
                q("v1", "a", List.of("a"), 0, 10, 0, 10, 100),
                q("v2", "z", List.of("a", "b", "a", "c"), 0, 10, 0, 10, 100));
        PaperMetrics m = Scorer.score(run);
        assertEquals(50.0, m.get("R1"));
        assertEquals(50.0, m.get("R3"));
        assertNull(m.get("R5"));
        assertNull(m.get("R100"));
        assertNull(m.get("MedianR"));
        assertNull(m.get("MeanR"));
        assertNull(m.get("MRR"));
        assertNotNull(m.get("R1_iou0.5"));
        assertNull(m.get("R10_iou0.5"));
        assertNull(m.get("R10_miou"));
        assertEquals(1.0, m.get("mIoU"));
        assertFalse(m.warnings().isEmpty());
        assertTrue(m.warnings().get(0).contains("MRR"), m.warnings().get(0));
        // every ground truth listed: all exact even though the lists are short
        PaperMetrics full = Scorer.score(List.of(q("v1", "a", List.of("a"), 0, 1, 0, 1, 10),
                q("v2", "b", List.of("a", "b"), 0, 1, 0, 1, 10)));
        assertEquals(100.0, full.get("R100"));
        assertEquals(1.5, full.get("MedianR"));
        assertEquals(0.75, full.get("MRR"));
    }

    @Test
    void emptyRankingStillScoresGrounding() {
        PaperMetrics m = Scorer.score(List.of(q("v1", "a", List.of(), 0, 10, 0, 10, 100)));
        assertNull(m.get("R1"));
        assertNull(m.get("R1_iou0.5"));
        assertEquals(1.0, m.get("mIoU"));
        assertEquals(100.0, m.get("IoU@0.7"));
    }

    @Test
    void zeroLengthGroundTruthWarned() {
        PaperMetrics m = Scorer.score(List.of(q("v1", "a", List.of("a"), 0, 10, 5, 5, 100),
                q("v2", "b", List.of("b"), 0, 10, 0, 10, 100)));
        assertEquals(0.5, m.get("mIoU"));
        assertTrue(m.warnings().stream().anyMatch(w -> w.contains("empty ground-truth")));
    }

    @Test
    void noQueriesRejected() {
        assertThrows(IllegalArgumentException.class, () -> Scorer.score(List.of()));
    }

    @Test
    void unknownKeyRejected() {
        PaperMetrics m = Scorer.score(List.of(q("v1", "a", List.of("a"), 0, 10, 0, 10, 100)));
        assertThrows(IllegalArgumentException.class, () -> m.get("R2"));
        assertTrue(m.table().contains("MoR100"));
    }
}
