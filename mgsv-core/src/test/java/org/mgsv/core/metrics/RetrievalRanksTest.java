package org.mgsv.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RetrievalRanksTest {

    @Test
    void deduplicatesMusicIds() {
        // columns: a b a c g ; row order by score: a(0.9) b(0.8) a(0.7) c(0.6) g(0.5) -> g is 4th distinct
        RetrievalRanks rr = new RetrievalRanks(List.of("a", "b", "a", "c", "g"));
        float[] row = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        assertEquals(3, rr.rank(row, 4));
        assertEquals(3, rr.rank(row, "g"));
        assertEquals(0, rr.rank(row, "a"));
        // the GT's best column counts: column 2 holds a as well, but a's best is column 0
        assertEquals(0, rr.rank(row, 2));
        assertEquals(4, rr.distinctMusic());
    }

    @Test
    void tiesAreBrokenByColumnIndex() {
        RetrievalRanks rr = new RetrievalRanks(List.of("x", "y", "z", "w"));
        double[] row = {0.5, 0.5, 0.5, 0.1};
        assertEquals(0, rr.rank(row, 0));
        assertEquals(1, rr.rank(row, 1));
        assertEquals(2, rr.rank(row, 2));
        assertEquals(3, rr.rank(row, 3));
    }

    @Test
    void gtMusicSeenEarlierInAnotherColumn() {
        // GT music "g" appears in columns 1 and 3; the better column decides
        RetrievalRanks rr = new RetrievalRanks(List.of("a", "g", "b", "g"));
        float[] row = {0.4f, 0.1f, 0.3f, 0.9f};
        assertEquals(0, rr.rank(row, 1));
    }

    @Test
    void matchesAFullSortOnRandomRows() {
        java.util.Random rnd = new java.util.Random(3);
        int n = 60;
        String[] ids = new String[n];
        for (int j = 0; j < n; j++) {
            ids[j] = "m" + rnd.nextInt(25);
        }
        RetrievalRanks rr = new RetrievalRanks(Arrays.asList(ids));
        for (int t = 0; t < 200; t++) {
            double[] row = new double[n];
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextInt(10) / 10.0; // many ties
            }
            int gt = rnd.nextInt(n);
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (p, q) -> Double.compare(row[q], row[p])); // stable: lower index first among ties
            Set<String> seen = new HashSet<>();
            int expected = -1;
            for (int j : order) {
                if (seen.add(ids[j]) && ids[j].equals(ids[gt])) {
                    expected = seen.size() - 1;
                    break;
                }
            }
            assertEquals(expected, rr.rank(row, gt));
            List<String> ranked = rr.rankedMusicIds(row, Integer.MAX_VALUE);
            assertEquals(new java.util.ArrayList<>(seenInOrder(order, ids)), ranked);
            assertEquals(expected, ranked.indexOf(ids[gt]));
            assertEquals(ranked.subList(0, 5), rr.rankedMusicIds(row, 5));
        }
    }

    private static java.util.LinkedHashSet<String> seenInOrder(Integer[] order, String[] ids) {
        java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>();
        for (int j : order) {
            s.add(ids[j]);
        }
        return s;
    }

    @Test
    void rejectsBadInput() {
        RetrievalRanks rr = new RetrievalRanks(List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> rr.rank(new float[] {0.1f}, 0));
        assertThrows(IllegalArgumentException.class, () -> rr.rank(new float[] {0.1f, Float.NaN}, 0));
        assertThrows(IllegalArgumentException.class, () -> rr.rank(new float[] {0.1f, 0.2f}, "zz"));
        assertThrows(IllegalArgumentException.class, () -> rr.rank(new float[] {0.1f, 0.2f}, 2));
    }

    /** On the reference's similarity matrix: equal to a stable descending sort everywhere, and to upstream
     *  except on the rows the reference data lists as tie-order sensitive. */
    @Test
    void referenceMatrix() throws IOException {
        String shared = System.getProperty("mgsv.shared", "");
        Path dir = Path.of(shared.isEmpty() ? "does-not-exist" : shared, "golden", "metrics-A");
        Assumptions.assumeTrue(Files.isDirectory(dir), "reference data absent: " + dir);
        Map<String, ReferenceNpz.Array> in = ReferenceNpz.read(dir.resolve("inputs.npz"));
        Map<String, ReferenceNpz.Array> pq = ReferenceNpz.read(dir.resolve("per_query.npz"));
        ReferenceNpz.Array simA = in.get("sim_matrix");
        int n = simA.shape()[0];
        double[] flat = simA.doubles();
        double[][] sim = new double[n][];
        for (int i = 0; i < n; i++) {
            sim[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
        }
        RetrievalRanks rr = new RetrievalRanks(Arrays.asList(in.get("music_ids").strings()));
        int[] ours = rr.diagonalRanks(sim);
        assertArrayEquals(pq.get("rank0_stable_desc").ints(), ours);

        JsonNode info = new ObjectMapper().readTree(dir.resolve("info.json").toFile());
        Set<Integer> tieSensitive = new HashSet<>();
        info.get("rows_whose_rank_changes_with_stable_desc_tiebreak").forEach(x -> tieSensitive.add(x.asInt()));
        // full de-duplicated order equals the reference's wherever the row has no deliberate ties
        Set<Integer> tieRows = new HashSet<>();
        info.get("tie_rows").forEach(x -> tieRows.add(x.asInt()));
        List<String> answers = Files.readAllLines(dir.resolve("run-with-answers.jsonl"));
        ObjectMapper om = new ObjectMapper();
        int compared = 0;
        for (int i = 0; i < n; i++) {
            if (tieRows.contains(i)) {
                continue;
            }
            List<String> expected = new java.util.ArrayList<>();
            om.readTree(answers.get(i)).get("ranked_music_ids").forEach(x -> expected.add(x.asText()));
            assertEquals(expected, rr.rankedMusicIds(sim[i], Integer.MAX_VALUE), "row " + i);
            compared++;
        }
        assertEquals(n - tieRows.size(), compared);
        int[] upstream = pq.get("rank0").ints();
        for (int i = 0; i < n; i++) {
            if (tieSensitive.contains(i)) {
                assertNotEquals(upstream[i], ours[i], "row " + i);
            } else {
                assertEquals(upstream[i], ours[i], "row " + i);
            }
        }
    }
}
