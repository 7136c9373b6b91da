package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;

class ScoreCommandTest {
    @TempDir Path tmp;

    static final String LINE = "{\"video_id\":\"%s\",\"music_id\":\"%s\",\"ranking\":%s,\"pred_start\":%s,"
            + "\"pred_end\":%s,\"gt_start\":0,\"gt_end\":10,\"music_duration\":100}\n";

    @Test
    void scoresASmallRunAndWritesJson() throws IOException {
        Path runFile = tmp.resolve("run.jsonl");
        Files.writeString(runFile,
                String.format(Locale.ROOT, LINE, "v1", "a", "[\"a\",\"b\"]", 0, 10)
                        + String.format(Locale.ROOT, LINE, "v2", "b", "[\"a\",\"a\",\"b\"]", 0, 5));
        Path json = tmp.resolve("out/m.json");
        CliRun r = CliRun.run("score", "--run", runFile.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mIoU 0.7500"), r.out());
        assertTrue(r.out().contains("R1 50.00"), r.out());
        assertTrue(r.out().contains("MoR1"), r.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, doc.get("queries").asInt());
        JsonNode m = doc.get("metrics");
        assertEquals(50.0, m.get("R1").asDouble());
        assertEquals(1.5, m.get("MedianR").asDouble());
        assertEquals(0.75, m.get("R100_miou").asDouble(), 1e-7);
        assertEquals(50.0, m.get("R1_iou0.7").asDouble(), 1e-5);
    }

    @Test
    void truncatedRankingGivesNullsAndWarning() throws IOException {
        Path runFile = tmp.resolve("run.jsonl");
        Files.writeString(runFile, String.format(Locale.ROOT, LINE, "v1", "a", "[\"b\"]", 0, 10));
        Path json = tmp.resolve("m.json");
        CliRun r = CliRun.run("score", "--run", runFile.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning:"), r.err());
        assertTrue(r.out().contains("n/a"), r.out());
        JsonNode m = new ObjectMapper().readTree(json.toFile()).get("metrics");
        assertTrue(m.get("MRR").isNull());
        assertTrue(m.get("R10").isNull());
        assertEquals(0.0, m.get("R1").asDouble());
    }

    @Test
    void badRunFileIsAUserError() throws IOException {
        Path runFile = tmp.resolve("bad.jsonl");
        Files.writeString(runFile, String.format(Locale.ROOT, LINE, "v1", "a", "[\"a\"]", "\"x\"", 10));
        Path json = tmp.resolve("m.json");
        CliRun r = CliRun.run("score", "--run", runFile.toString(), "--json", json.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl line 1, field 'pred_start'"), r.err());
        assertFalse(r.err().contains("at org."), "no stack trace: " + r.err());
        assertFalse(Files.exists(json));
    }

    @Test
    void helpHasExamples() {
        CliRun r = CliRun.run("score", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--json"), r.out());
        assertTrue(CliRun.run("--help").out().contains("score"));
    }

    /** End to end on the reference data: the JSON holds the reference's values. */
    @Test
    void referenceRunMatchesReferenceMetrics() throws IOException {
        String shared = System.getProperty("mgsv.shared", "");
        Path dir = Path.of(shared.isEmpty() ? "does-not-exist" : shared, "golden", "metrics-A");
        Assumptions.assumeTrue(Files.isDirectory(dir), "reference data absent: " + dir);
        Path json = tmp.resolve("m.json");
        CliRun r = CliRun.run("score", "--run", dir.resolve("run.jsonl").toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode ours = new ObjectMapper().readTree(json.toFile()).get("metrics");
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile()).get("metrics");
        for (Iterator<Map.Entry<String, JsonNode>> it = ref.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey().endsWith("_miou") ? e.getKey() + "_upstream" : e.getKey();
            double exp = e.getValue().asDouble();
            assertEquals(exp, ours.get(key).asDouble(), 1e-5 * Math.abs(exp), key);
        }
    }
}
