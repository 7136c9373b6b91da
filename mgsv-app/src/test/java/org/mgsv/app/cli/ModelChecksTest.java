package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.app.testutil.Media;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.testing.TestDatasets;
import org.mgsv.model.FeatureSpace;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.Provenance;
import org.mgsv.search.catalog.FileCatalogStore;

/**
 * A model is used only with encoders of the feature space it learnt, and a catalog only with the model that built
 * it: index, ground and serve refuse otherwise unless {@code --force}.
 */
@Tag("slow")
class ModelChecksTest {
    @TempDir Path tmp;

    @Test
    void aModelTrainedOnSyntheticFeaturesIsRefusedWithTheBuiltinEncoders() throws Exception {
        FeatureSpec spec = new FeatureSpec(12, 16, 24, 24);
        TestDatasets.Dataset ds = TestDatasets.builder().train(8).val(4).test(0).spec(spec).seed(3)
                .write(tmp.resolve("ds"));
        Files.writeString(ds.root().resolve("synth.json"), "{}"); // what mgsv synth leaves in its output
        MadeConfig cfg = MadeConfig.builder().dModel(32).frameSlots(12).segmentSlots(24).frameFeatDim(16)
                .segmentFeatDim(24).enhancementHeads(4).enhancementFfnDim(64).videoPeRows(12).audioPeRows(24)
                .detrHeads(4).detrFfnDim(64).detrEncoderLayers(1).detrDecoderLayers(2).contrastiveDim(32).build();
        Path cfgFile = Files.writeString(tmp.resolve("tiny.json"), cfg.toJson());
        Path run = tmp.resolve("run");
        CliRun t = CliRun.run("train", "--data", ds.root().toString(), "--out", run.toString(), "--config",
                cfgFile.toString(), "--epochs", "1", "--batch-size", "8");
        assertEquals(0, t.code(), t.err());
        Path model = run.resolve("last");
        assertEquals(FeatureSpace.SYNTHETIC, FeatureSpace.ofModel(model), "train records the data's feature space");

        Path video = Files.write(tmp.resolve("v.mp4"), new byte[16]);
        Path music = Files.createDirectories(tmp.resolve("music"));
        Path catalog = tmp.resolve("catalog");
        for (CliRun r : new CliRun[] {
            CliRun.run("ground", "--model", model.toString(), "--catalog", catalog.toString(), "--video",
                    video.toString()),
            CliRun.run("index", "--model", model.toString(), "--music", music.toString(), "--out", catalog.toString()),
            CliRun.run("serve", "--model", model.toString(), "--catalog", catalog.toString(), "--port", "0")}) {
            assertNotEquals(0, r.code(), r.out());
            assertTrue(r.err().contains("synthetic benchmark's features") && r.err().contains("--encoder builtin")
                    && r.err().contains("--force"), r.err());
        }
        assertTrue(!Files.exists(catalog), "nothing written for a refused index");
    }

    @Test
    void aCatalogIsIndexedAndSearchedOnlyWithTheModelThatBuiltIt() throws Exception {
        Media.assumeFfmpeg();
        MadeConfig cfg = MadeConfig.builder().dModel(32).enhancementHeads(4).enhancementFfnDim(64).detrHeads(4)
                .detrFfnDim(64).detrEncoderLayers(1).detrDecoderLayers(2).contrastiveDim(32).build();
        Path a = tmp.resolve("modelA");
        Path b = tmp.resolve("modelB");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelDir.save(a, MadeParams.initialize(cfg, m, 1), Provenance.of("test", Map.of()));
            ModelDir.save(b, MadeParams.initialize(cfg, m, 2), Provenance.of("test", Map.of()));
        }
        Path one = Files.createDirectories(tmp.resolve("one"));
        Media.tone(one.resolve("low.ogg"), 220, 12);
        Path two = Files.createDirectories(tmp.resolve("two"));
        Media.tone(two.resolve("high.ogg"), 660, 12);
        Path catalog = tmp.resolve("catalog");

        CliRun ia = CliRun.run("index", "--model", a.toString(), "--music", one.toString(), "--out",
                catalog.toString(), "--threads", "1", "--no-beats");
        assertEquals(0, ia.code(), ia.err());
        String infoA = Files.readString(catalog.resolve(IndexCommand.CatalogInfo.FILE));
        assertTrue(infoA.contains(ModelDir.weightsChecksum(a)), infoA);

        CliRun ib = CliRun.run("index", "--model", b.toString(), "--music", two.toString(), "--out",
                catalog.toString(), "--threads", "1", "--no-beats");
        assertNotEquals(0, ib.code());
        assertTrue(ib.err().contains("was built with model modelA") && ib.err().contains("--force"), ib.err());
        try (FileCatalogStore s = FileCatalogStore.open(catalog)) {
            assertEquals(1, s.size(), "the refused run added nothing");
        }
        assertEquals(infoA, Files.readString(catalog.resolve(IndexCommand.CatalogInfo.FILE)), "index-info kept");

        Path video = Files.write(tmp.resolve("v.mp4"), new byte[16]);
        CliRun gb = CliRun.run("ground", "--model", b.toString(), "--catalog", catalog.toString(), "--video",
                video.toString());
        assertNotEquals(0, gb.code());
        assertTrue(gb.err().contains("was built with model modelA"), gb.err());

        CliRun forced = CliRun.run("index", "--model", b.toString(), "--music", two.toString(), "--out",
                catalog.toString(), "--threads", "1", "--no-beats", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertTrue(forced.err().contains("warning:") && forced.err().contains("(--force)"), forced.err());
        try (FileCatalogStore s = FileCatalogStore.open(catalog)) {
            assertEquals(2, s.size());
        }
        assertTrue(Files.readString(catalog.resolve(IndexCommand.CatalogInfo.FILE))
                .contains(ModelDir.weightsChecksum(a)), "--force adds tracks; the catalog stays modelA's");
    }
}
