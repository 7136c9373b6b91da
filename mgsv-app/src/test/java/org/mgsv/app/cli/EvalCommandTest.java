package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.metrics.RunFile;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.core.testing.TestDatasets;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.Provenance;

/** mgsv eval on a small dataset in the published layout: metrics printed, JSON and run file consistent. */
class EvalCommandTest {
    @TempDir Path tmp;

    static MadeConfig tiny() {
        return MadeConfig.builder().dModel(32).frameSlots(6).segmentSlots(8).frameFeatDim(12).segmentFeatDim(16)
                .enhancementHeads(4).enhancementFfnDim(48).detrHeads(4).detrFfnDim(40).detrEncoderLayers(1)
                .detrDecoderLayers(2).contrastiveDim(24).videoPeRows(10).audioPeRows(12).build();
    }

    @Test
    void evaluatesASplitAndWritesAConsistentRunFile() throws Exception {
        TestDatasets.Dataset ds = TestDatasets.builder().train(0).val(0).test(12).musicPool(9).seed(3)
                .spec(new FeatureSpec(6, 12, 8, 16)).write(tmp.resolve("ds"));
        Path model = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelDir.save(model, MadeParams.initialize(tiny(), m, 5), Provenance.of("training", Map.of("seed", 5)));
        }
        Path json = tmp.resolve("m.json");
        Path run = tmp.resolve("run.jsonl");
        CliRun r = CliRun.run("eval", "--data", ds.root().toString(), "--split", "test", "--model", model.toString(),
                "--json", json.toString(), "--run", run.toString(), "--chunk", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("MoR"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(12, j.get("queries").asInt());
        // the run file lists every distinct track (top 100 > tracks), so scoring it must give the same metrics
        PaperMetrics fromRun = Scorer.score(RunFile.read(run));
        for (String k : new String[] {"R1", "R5", "R10", "mIoU", "MeanR", "MRR", "R1_iou0.5", "R10_iou0.7"}) {
            Double v = fromRun.get(k);
            JsonNode node = j.has(k) ? j.get(k) : j.path("metrics").get(k);
            assertTrue(node != null, "json lacks " + k + ": " + j);
            assertEquals(v, node.isNull() ? null : node.asDouble(), 1e-9, k);
        }
    }

    @Test
    void runDirectoryPickAndMissingModelAreReported() throws Exception {
        Path runDir = tmp.resolve("run");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelDir.save(runDir.resolve("best-r1"), MadeParams.initialize(tiny(), m, 5), Provenance.of("training", Map.of()));
        }
        assertEquals(runDir.resolve("best-r1"), EvalCommand.resolveModel(runDir, "best-r1"));
        Files.createDirectories(tmp.resolve("ds"));
        CliRun r = CliRun.run("eval", "--data", tmp.resolve("ds").toString(), "--model", runDir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("best-mor1"), r.err());
    }
}
