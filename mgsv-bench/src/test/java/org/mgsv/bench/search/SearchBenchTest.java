package org.mgsv.bench.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.search.SyntheticGroundingModel;

/**
 * The search harness on a tiny file catalog (16 frame slots: its queries fill 15): the report's figures and the
 * lines it prints (no timing asserted).
 */
class SearchBenchTest {
    @TempDir Path tmp;

    @Test
    void reportsLatencyByStageAndRecall() {
        List<String> lines = new ArrayList<>();
        Map<String, Object> report;
        try (SyntheticGroundingModel m = new SyntheticGroundingModel(16, 16, 12, 8, 10, 3)) {
            SearchBench.Config cfg = new SearchBench.Config(4, 1, 20, 2, 6, 1.3, 0);
            report = new SearchBench(m, cfg, 1, null, lines::add).run(SearchBench.machine(1), List.of(60), tmp,
                    false, null);
        }
        assertEquals(List.of("machine", "loadAverageAtStart", "model", "K", "queryNoise", "top", "catalogs", "recall",
                "recallInt8"), new ArrayList<>(report.keySet()));
        List<?> cats = (List<?>) report.get("catalogs");
        assertEquals(1, cats.size());
        Map<?, ?> c = (Map<?, ?>) cats.get(0);
        assertEquals(60, c.get("tracks"));
        assertEquals("file (memory-mapped)", c.get("catalog"));
        assertTrue((Double) c.get("p50Ms") > 0, c.toString());
        assertTrue(((Map<?, ?>) c.get("stages")).containsKey("shortlistFetchRescoreP50Ms"), c.toString());
        // every row is in the exact shortlist of 60 searched: the exhaustive top-1 is always found by K=400
        Map<?, ?> recall = (Map<?, ?>) report.get("recall");
        assertEquals(6, recall.get("queries"));
        assertEquals(100.0, ((Map<?, ?>) recall.get("recallOfExhaustiveTop1Percent")).get("K=400"));
        assertTrue(lines.get(0).startsWith("machine: "), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("60 tracks [") && l.contains("query p50")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("recall of the exhaustive top-1 on 60 tracks")),
                lines.toString());
    }
}
