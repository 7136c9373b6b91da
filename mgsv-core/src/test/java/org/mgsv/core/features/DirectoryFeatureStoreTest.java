package org.mgsv.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;
import org.mgsv.core.testing.Resources;
import org.mgsv.core.testing.TestDatasets;

class DirectoryFeatureStoreTest extends FeatureStoreTestCase {
    @Override
    protected FeatureStore open(TestDatasets.Dataset ds, Path work) {
        return new DirectoryFeatureStore(ds.featureRoot(), ds.spec());
    }

    private Path videoFile(String id) {
        return dataset.featureRoot().resolve("vit_feature1/vit_feature/" + id + ".pt");
    }

    private String firstVideo() {
        return dataset.videos().keySet().iterator().next();
    }

    private String error(String id) {
        return assertThrows(MgsvException.class, () -> store.video(id)).getMessage();
    }

    @Test
    void wrongShapeNamesTheFile() {
        String id = firstVideo();
        TorchSave.write(videoFile(id), Tensor.zeros(50, 13));
        String m = error(id);
        assertTrue(m.contains(videoFile(id).toString()) && m.contains("[50, 13]") && m.contains("[50, 12]"), m);
    }

    @Test
    void nonFiniteValueNamesTheFileAndIndex() {
        String id = firstVideo();
        float[] v = new float[50 * 12];
        v[3 * 12 + 5] = Float.NaN;
        TorchSave.write(videoFile(id), Tensor.of(v, 50, 12));
        String m = error(id);
        assertTrue(m.contains(videoFile(id).toString()) && m.contains("[3, 5]") && m.contains("NaN"), m);
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        String id = firstVideo();
        byte[] all = Files.readAllBytes(videoFile(id));
        Files.write(videoFile(id), Arrays.copyOf(all, all.length / 2));
        String m = error(id);
        assertTrue(m.contains(videoFile(id).toString()) && m.contains("truncated"), m);
    }

    @Test
    void nonBinaryMaskIsNamed() {
        String id = firstVideo();
        float[] mask = new float[50];
        mask[0] = 0.5f;
        Path p = dataset.featureRoot().resolve("vit_feature1/vit_mask/" + id + ".pt");
        TorchSave.write(p, Tensor.of(mask, 50));
        String m = error(id);
        assertTrue(m.contains(p.toString()) && m.contains("0.5"), m);
    }

    @Test
    void missingMaskIsNamed() throws IOException {
        String id = firstVideo();
        Path p = dataset.featureRoot().resolve("vit_feature1/vit_mask/" + id + ".pt");
        Files.delete(p);
        assertTrue(!store.hasVideo(id));
        String m = error(id);
        assertTrue(m.contains(p.toString()) && m.contains("does not exist"), m);
    }

    @Test
    void readsFloat16FilesWrittenByTorch() throws IOException {
        // a float16 torch.save fixture placed as a (tiny-spec) music feature file
        FeatureSpec tiny = new FeatureSpec(50, 16, 3, 4);
        Path root = tmp.resolve("f16");
        Path feat = root.resolve("ast_feature2p5/ast_feature/m1.pt");
        Path mask = root.resolve("ast_feature2p5/ast_mask/m1.pt");
        Files.createDirectories(feat.getParent());
        Files.createDirectories(mask.getParent());
        Files.copy(Resources.path("torchsave/f16_3x4.pt"), feat);
        TorchSave.write(mask, Tensor.of(new float[] {1, 1, 0}, 3));
        MusicFeatures m = new DirectoryFeatureStore(root, tiny).music("m1");
        assertEquals((0 - 6) / 8f, m.feats().get(0, 0));
        assertEquals((7 - 6) / 8f, m.feats().get(1, 3));
        assertEquals(0f, m.feats().get(2, 1)); // padded slot zeroed
    }

    @Test
    void rejectsNonFeatureDirectory() {
        MgsvException e = assertThrows(MgsvException.class, () -> new DirectoryFeatureStore(tmp));
        assertTrue(e.getMessage().contains("vit_feature1"), e.getMessage());
    }

    @Test
    void publishedShapesByDefault() throws IOException {
        TestDatasets.Dataset ds = TestDatasets.builder().train(1).val(0).test(0).seed(3).write(tmp.resolve("full"));
        DirectoryFeatureStore s = new DirectoryFeatureStore(ds.featureRoot());
        String vid = ds.videos().keySet().iterator().next();
        String mid = ds.music().keySet().iterator().next();
        assertTrue(s.video(vid).feats().hasShape(50, 512));
        assertTrue(s.music(mid).feats().hasShape(96, 768));
        assertEquals(ds.music().get(mid).feats(), s.music(mid).feats());
    }
}
