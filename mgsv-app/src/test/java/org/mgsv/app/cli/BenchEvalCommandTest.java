package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;

/** The benchmark command runs and writes the agreed JSON keys (a smoke test on a tiny N; no timing asserted). */
class BenchEvalCommandTest {
    @TempDir Path tmp;

    @Test
    void writesTheFiguresAsJson() throws Exception {
        Path json = tmp.resolve("b.json");
        CliRun r = CliRun.run("bench", "eval", "--n", "6", "--runs", "1", "--warmup", "0", "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        for (String k : new String[] {"median_s", "items_per_s", "peak_rss_mb", "threads", "config"}) {
            assertTrue(j.has(k), "missing " + k + " in " + j);
        }
        assertEquals(6, j.get("config").get("n").asInt());
        assertTrue(j.get("median_s").asDouble() > 0);
    }
}
