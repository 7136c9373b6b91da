package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.app.quickstart.Quickstart;
import org.mgsv.app.quickstart.QuickstartPreset;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.metrics.RunEntry;
import org.mgsv.core.metrics.RunFile;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.model.ModelDir;
import org.mgsv.synth.SynthWriter;

/** The quickstart pipeline end to end with the tiny preset (seconds), and its reuse of data and model. */
class QuickstartCommandTest {
    @TempDir Path tmp;

    @Test
    void tinyRunWritesEveryOutputAndASecondRunReusesThem() throws Exception {
        Path out = tmp.resolve("qs");
        String[] args = {"quickstart", "--tiny", "--out", out.toString(), "--epochs", "1", "--threads", "1"};
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("start-0 prior"), r.out());
        for (String key : PaperMetrics.PAPER_KEYS) {
            assertTrue(r.out().contains(PaperMetrics.label(key)), "table lacks " + key + ":\n" + r.out());
        }

        // data in the published layout, model directory, run file, report and its pictures
        assertTrue(SynthWriter.isUpToDate(out.resolve("data"), QuickstartPreset.tiny(42, 1).synth()));
        assertTrue(Files.isRegularFile(out.resolve("data/dataset/MGSV-EC/test_data.csv")));
        assertTrue(ModelDir.isModelDir(out.resolve("model")));
        try (NDManager m = NDManager.newBaseManager(); ModelDir.Loaded l = ModelDir.load(out.resolve("model"), m)) {
            assertEquals(QuickstartPreset.tiny(42, 1).model(), l.config());
        }
        String html = Files.readString(out.resolve(Quickstart.REPORT));
        assertTrue(html.contains("report/moments.png") && html.contains("train/learning-curves.png"), html);
        assertTrue(Files.size(out.resolve("report/moments.png")) > 1000);
        assertTrue(Files.size(out.resolve("train/learning-curves.png")) > 1000);

        // metrics.json: the three sections, each with every key of 'mgsv score'
        JsonNode doc = new ObjectMapper().readTree(out.resolve(Quickstart.METRICS).toFile());
        assertEquals(Quickstart.SECTIONS, iterable(doc.fieldNames()));
        List<RunEntry> run = RunFile.read(out.resolve(Quickstart.RUN));
        for (String section : Quickstart.SECTIONS) {
            JsonNode s = doc.get(section);
            assertEquals(run.size(), s.get("queries").asInt(), section);
            assertEquals(PaperMetrics.KEYS, iterable(s.get("metrics").fieldNames()), section);
            for (String key : List.of("mIoU", "R1", "R5", "R10", "R1_iou0.5", "MedianR")) {
                assertTrue(s.get("metrics").get(key).isNumber(), section + " " + key);
            }
        }
        // the model's section is what 'mgsv score' computes from the run file (full rankings: nothing null)
        PaperMetrics scored = Scorer.score(run);
        for (String key : PaperMetrics.PAPER_KEYS) {
            assertEquals(scored.get(key), doc.get("model").get("metrics").get(key).asDouble(), 1e-12, key);
        }
        // the run file holds full rankings
        for (RunEntry e : run) {
            assertTrue(e.ranking().contains(e.musicId()), "full ranking expected for " + e.videoId());
        }

        // second run: data and model reused, outputs rewritten
        long weights = Files.getLastModifiedTime(out.resolve("model").resolve(ModelDir.WEIGHTS)).toMillis();
        CliRun again = CliRun.run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("(reused), training") && again.out().contains("s (reused), evaluation"),
                again.out());
        assertEquals(weights, Files.getLastModifiedTime(out.resolve("model").resolve(ModelDir.WEIGHTS)).toMillis());
        assertEquals(doc.get("model").get("metrics"),
                new ObjectMapper().readTree(out.resolve(Quickstart.METRICS).toFile()).get("model").get("metrics"));

        // another number of epochs is another model: retrained, data still reused
        CliRun other = CliRun.run("quickstart", "--tiny", "--out", out.toString(),
                "--epochs", "2", "--threads", "1");
        assertEquals(0, other.code(), other.err());
        assertTrue(other.out().contains("(reused), training"), other.out());
        assertFalse(other.out().contains("s (reused), evaluation"), other.out());
        assertNotEquals(weights, Files.getLastModifiedTime(out.resolve("model").resolve(ModelDir.WEIGHTS)).toMillis());
    }

    @Test
    void rejectsBadArguments() {
        CliRun r = CliRun.run("quickstart", "--tiny", "--out", tmp.resolve("x").toString(),
                "--epochs", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--epochs"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
