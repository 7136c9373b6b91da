package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.testing.TestDatasets;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.ModelDir;

/** mgsv train on a small dataset in the published layout (.pt files): train, resume, bad data. */
class TrainCommandTest {
    @TempDir Path tmp;

    @Test
    void trainsResumesAndValidatesData() throws Exception {
        FeatureSpec spec = new FeatureSpec(12, 16, 24, 24);
        TestDatasets.Dataset ds = TestDatasets.builder().train(24).val(8).test(0).spec(spec).seed(4)
                .write(tmp.resolve("ds"));
        MadeConfig cfg = MadeConfig.builder().dModel(32).frameSlots(12).segmentSlots(24).frameFeatDim(16)
                .segmentFeatDim(24).enhancementHeads(4).enhancementFfnDim(64).videoPeRows(12).audioPeRows(24)
                .detrHeads(4).detrFfnDim(64).detrEncoderLayers(1).detrDecoderLayers(2).contrastiveDim(32).build();
        Path cfgFile = tmp.resolve("tiny.json");
        Files.writeString(cfgFile, cfg.toJson());
        Path runDir = tmp.resolve("run");
        String data = ds.root().toString();
        CliRun r = CliRun.run("train", "--data", data, "--out", runDir.toString(), "--config", cfgFile.toString(),
                "--epochs", "2", "--batch-size", "8", "--max-epochs-this-run", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(ModelDir.isModelDir(runDir.resolve("last")));
        assertEquals(1, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());
        // starting again over a run is refused; --resume continues it
        r = CliRun.run("train", "--data", data, "--out", runDir.toString(), "--config", cfgFile.toString(), "--epochs",
                "2", "--batch-size", "8");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--resume"), r.err());
        r = CliRun.run("train", "--data", data, "--out", runDir.toString(), "--resume");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());
        assertTrue(Files.size(runDir.resolve("learning-curves.png")) > 1000);
        // validation on a seeded quarter of the training split
        Path run3 = tmp.resolve("run3");
        r = CliRun.run("train", "--data", data, "--out", run3.toString(), "--config", cfgFile.toString(), "--epochs",
                "1", "--batch-size", "8", "--val-split", "0.25");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("training on 18 pairs") && r.err().contains("validating on 6"), r.err());
        // a missing feature file stops the run before training, naming the id; --skip-bad trains without it
        Path vf;
        try (Stream<Path> s = Files.walk(ds.featureRoot())) {
            vf = s.filter(p -> p.toString().contains("vit_feature") && p.toString().endsWith(".pt")
                    && p.getFileName().toString().startsWith(ds.annotations("train").get(3).videoId() + "."))
                    .findFirst().orElseThrow();
        }
        Files.delete(vf);
        Path run2 = tmp.resolve("run2");
        r = CliRun.run("train", "--data", data, "--out", run2.toString(), "--config", cfgFile.toString(), "--epochs",
                "1", "--batch-size", "8");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(ds.annotations("train").get(3).videoId()) && r.err().contains("--skip-bad"),
                r.err());
        assertTrue(!Files.exists(run2.resolve("last")));
        r = CliRun.run("train", "--data", data, "--out", run2.toString(), "--config", cfgFile.toString(), "--epochs",
                "1", "--batch-size", "8", "--skip-bad");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipping 1 training"), r.err());
    }
}
