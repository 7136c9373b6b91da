package org.mgsv.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.features.FeaturePacker;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.features.PackedFeatureStore;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;
import org.mgsv.core.testing.TestDatasets;
import org.mgsv.core.util.ConsoleProgress;

class DatasetLayoutTest {
    @TempDir Path tmp;
    static final FeatureSpec SPEC = new FeatureSpec(50, 8, 96, 8);
    TestDatasets.Dataset ds;

    @BeforeEach
    void setUp() throws IOException {
        ds = TestDatasets.builder().train(6).val(3).test(3).spec(SPEC).seed(5).write(tmp.resolve("ds"));
    }

    static ConsoleProgress quietBar(long total) {
        return new ConsoleProgress("pack", total,
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), false, 1e9);
    }

    @Test
    void resolvesTheReferenceLayout() {
        try (DatasetLayout l = DatasetLayout.resolve(ds.root(), SPEC)) {
            assertEquals(List.of("train", "val", "test"), List.copyOf(l.splits()));
            assertEquals(ds.annotations("val"), l.annotations("val"));
            String vid = ds.annotations("test").get(0).videoId();
            assertEquals(ds.videos().get(vid).feats(), l.features().video(vid).feats());
            assertTrue(l.validate("train").isEmpty());
            MgsvException e = assertThrows(MgsvException.class, () -> l.csv("dev"));
            assertTrue(e.getMessage().contains("dev_data.csv") && e.getMessage().contains("train, val, test"));
        }
    }

    @Test
    void resolvesExplicitPathsAndTheFeaturesParent() {
        try (DatasetLayout l = DatasetLayout.of(Map.of("val", ds.csv("val")), ds.root(), SPEC)) {
            assertEquals(ds.featureRoot(), l.featuresPath());
            assertTrue(l.validate("val").isEmpty());
        }
    }

    @Test
    void validateListsEveryProblemAndSkipBadDropsTheRows() throws IOException {
        List<Annotation> train = ds.annotations("train");
        String missingVideo = train.get(0).videoId();
        String nanVideo = train.get(1).videoId();
        String badMusic = train.get(2).musicId();
        Files.delete(ds.featureRoot().resolve("vit_feature1/vit_feature/" + missingVideo + ".pt"));
        float[] v = new float[50 * 8];
        v[9] = Float.NaN;
        TorchSave.write(ds.featureRoot().resolve("vit_feature1/vit_feature/" + nanVideo + ".pt"),
                Tensor.of(v, 50, 8));
        TorchSave.write(ds.featureRoot().resolve("ast_feature2p5/ast_feature/" + badMusic + ".pt"),
                Tensor.zeros(96, 9));
        try (DatasetLayout l = DatasetLayout.resolve(ds.root(), SPEC)) {
            List<DatasetLayout.Problem> p = l.validate("train");
            assertEquals(3, p.size(), p.toString());
            assertEquals(new DatasetLayout.Problem("video", missingVideo, p.get(0).message()), p.get(0));
            assertTrue(p.get(1).message().contains("NaN") && p.get(1).message().contains(nanVideo + ".pt"));
            assertTrue(p.get(2).message().contains("[96, 9]"), p.get(2).message());
            assertEquals(3, l.withoutProblems("train", p).size());
            assertTrue(DatasetLayout.describe(p, 2).contains("and 1 more"));
            assertTrue(l.validate("val").isEmpty());
        }
    }

    @Test
    void packedStoreIsADataset() {
        Path store = tmp.resolve("packed");
        FeaturePacker.Summary s = FeaturePacker.pack(ds.featureRoot(),
                List.of(ds.csv("train"), ds.csv("val")), store, SPEC, PackedFeatureStore.Precision.FLOAT32, false,
                DatasetLayoutTest::quietBar);
        assertEquals(9, s.videos());
        assertEquals(9, s.music());
        assertTrue(s.skipped().isEmpty());
        try (DatasetLayout l = DatasetLayout.resolve(store, SPEC)) {
            assertEquals(List.of("train", "val"), List.copyOf(l.splits()));
            assertEquals(ds.annotations("train"), l.annotations("train"));
            assertTrue(l.validate("train").isEmpty());
            assertTrue(l.validate("val").isEmpty());
            for (Annotation a : l.annotations("val")) {
                assertEquals(ds.music().get(a.musicId()).feats(), l.features().music(a.musicId()).feats());
            }
            assertThrows(MgsvException.class, () -> l.csv("test"));
        }
    }

    @Test
    void packedCsvsWithOtherNamesAreSplitsToo() throws IOException {
        Path mine = tmp.resolve("mine.csv");
        Files.copy(ds.csv("test"), mine);
        Path store = tmp.resolve("packed");
        FeaturePacker.pack(ds.featureRoot(), List.of(mine), store, SPEC, PackedFeatureStore.Precision.FLOAT32, false,
                DatasetLayoutTest::quietBar);
        try (DatasetLayout l = DatasetLayout.resolve(store, SPEC)) {
            assertEquals(List.of("mine"), List.copyOf(l.splits()));
            assertEquals(ds.annotations("test"), l.annotations("mine"));
        }
    }

    @Test
    void packStopsAtABadFileUnlessSkipBad() throws IOException {
        Annotation bad = ds.annotations("val").get(1);
        Path f = ds.featureRoot().resolve("vit_feature1/vit_feature/" + bad.videoId() + ".pt");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, 100));
        Path store = tmp.resolve("packed");
        MgsvException e = assertThrows(MgsvException.class, () -> FeaturePacker.pack(ds.featureRoot(),
                List.of(ds.csv("val")), store, SPEC, PackedFeatureStore.Precision.FLOAT32, false,
                DatasetLayoutTest::quietBar));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(!Files.exists(store));
        Files.delete(ds.featureRoot().resolve("ast_feature2p5/ast_mask/" + ds.annotations("val").get(2).musicId()
                + ".pt"));
        e = assertThrows(MgsvException.class, () -> FeaturePacker.pack(ds.featureRoot(),
                List.of(ds.csv("val")), store, SPEC, PackedFeatureStore.Precision.FLOAT32, false,
                DatasetLayoutTest::quietBar));
        assertTrue(e.getMessage().contains("--skip-bad") && e.getMessage().contains("1 feature problem"),
                e.getMessage());
        FeaturePacker.Summary s = FeaturePacker.pack(ds.featureRoot(), List.of(ds.csv("val")), store, SPEC,
                PackedFeatureStore.Precision.FLOAT16, true, DatasetLayoutTest::quietBar);
        assertEquals(2, s.skipped().size());
        assertEquals(Map.of("val_data.csv", 1), s.rowsPerSplit());
        try (DatasetLayout l = DatasetLayout.resolve(store, SPEC)) {
            assertEquals(List.of(ds.annotations("val").get(0)), l.annotations("val"));
            assertTrue(l.validate("val").isEmpty());
        }
    }

    @Test
    void unknownFolderIsExplained() {
        MgsvException e = assertThrows(MgsvException.class, () -> DatasetLayout.resolve(tmp));
        assertTrue(e.getMessage().contains("dataset/MGSV-EC") && e.getMessage().contains("mgsv pack"),
                e.getMessage());
    }
}
