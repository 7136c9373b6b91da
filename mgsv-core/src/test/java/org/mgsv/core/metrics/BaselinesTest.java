package org.mgsv.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    static List<Baselines.Query> synthetic(int n) {
        java.util.Random r = new java.util.Random(5);
        List<Baselines.Query> qs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double dur = 30 + r.nextDouble() * 200;
            double len = 5 + r.nextDouble() * 25;
            double st = r.nextDouble() * (dur - len);
            qs.add(new Baselines.Query("v" + i, "m" + (i % (n / 2)), len, st, st + len, dur));
        }
        return qs;
    }

    @Test
    void randomIsSeededAndValid() {
        List<Baselines.Query> qs = synthetic(200);
        List<RunEntry> a = Baselines.random(qs, null, 7);
        assertEquals(a, Baselines.random(qs, null, 7));
        assertNotEquals(a, Baselines.random(qs, null, 8));
        for (int i = 0; i < a.size(); i++) {
            RunEntry e = a.get(i);
            Baselines.Query q = qs.get(i);
            assertEquals(100, e.ranking().size());
            assertEquals(100, new HashSet<>(e.ranking()).size());
            assertTrue(e.predStart() >= 0 && e.predEnd() <= q.musicDuration() + 1e-9);
            assertEquals(Math.min(q.videoDuration(), q.musicDuration()), e.predEnd() - e.predStart(), 1e-9);
        }
        PaperMetrics m = Scorer.score(a);
        assertEquals(100.0, m.get("R100"));
        assertTrue(m.get("R1") < 10, "random R1 should be near 1%: " + m.get("R1"));
        assertTrue(m.get("MedianR") > 25 && m.get("MedianR") < 75, "random MedianR near 50: " + m.get("MedianR"));
    }

    @Test
    void startZeroWithGivenRanking() {
        List<Baselines.Query> qs = synthetic(20);
        List<RunEntry> run = Baselines.startZeroPrior(qs, q -> List.of(q.musicId()));
        assertEquals(100.0, Scorer.score(run).get("R1"));
        for (int i = 0; i < run.size(); i++) {
            assertEquals(0.0, run.get(i).predStart());
            assertEquals(qs.get(i).videoDuration(), run.get(i).predEnd());
        }
        List<RunEntry> shuffled = Baselines.startZeroPrior(qs, List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6",
                "m7", "m8", "m9"), 1);
        assertEquals(10, shuffled.get(0).ranking().size());
    }

    /** The specification's orientation figure: "start 0, length = video" on the real test annotations gives
     *  mIoU 0.478. */
    @Test
    void startZeroOnRealTestAnnotations() throws IOException {
        String shared = System.getProperty("mgsv.shared", "");
        Path csv = Path.of(shared.isEmpty() ? "does-not-exist" : shared, "data", "mgsv-ec", "test_data.csv");
        Assumptions.assumeTrue(Files.isRegularFile(csv), "annotations absent: " + csv);
        List<String> lines = Files.readAllLines(csv);
        List<Baselines.Query> qs = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            // music_path (column 10) may hold commas: take the first 9 columns from the left
            String[] f = line.split(",", -1);
            qs.add(new Baselines.Query(f[0], f[1], Double.parseDouble(f[7]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6])));
        }
        assertEquals(2000, qs.size());
        PaperMetrics m = Scorer.score(Baselines.startZeroPrior(qs, q -> List.of()));
        assertEquals(0.478, m.get("mIoU"), 0.0005);
    }
}
