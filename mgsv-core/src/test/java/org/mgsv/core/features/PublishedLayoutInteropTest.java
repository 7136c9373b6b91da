package org.mgsv.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.testing.Python;
import org.mgsv.core.testing.TestDatasets;

/**
 * A generated dataset in the published layout, loaded by real PyTorch exactly as the reference's data loader
 * does ({@code torch.load} + {@code masked_fill(mask.unsqueeze(-1) == 0, 0)}), gives the same arrays as our
 * stores (directory and packed). Skipped without Python/torch.
 */
class PublishedLayoutInteropTest {
    @TempDir Path tmp;

    @Test
    void storesMatchTheReferenceLoader() throws IOException {
        Python.assumeTorch();
        TestDatasets.Dataset ds = TestDatasets.builder().train(0).val(3).test(0).seed(21).write(tmp.resolve("ds"));
        Path dump = tmp.resolve("dump");
        Files.createDirectories(dump);
        String code = String.join("\n",
                "import sys, os, torch",
                "root, out = sys.argv[1], sys.argv[2]",
                "for kind, sub, feat, mask in [('v', 'vit_feature1', 'vit_feature', 'vit_mask'),",
                "                              ('m', 'ast_feature2p5', 'ast_feature', 'ast_mask')]:",
                "    for f in os.listdir(os.path.join(root, sub, feat)):",
                "        i = f[:-3]",
                "        x = torch.load(os.path.join(root, sub, feat, f), map_location='cpu')",
                "        m = torch.load(os.path.join(root, sub, mask, f), map_location='cpu')",
                "        x = x.masked_fill(m.unsqueeze(-1) == 0, 0)",
                "        open(os.path.join(out, kind + '_' + i + '.feat'), 'wb').write(x.numpy().tobytes())",
                "        open(os.path.join(out, kind + '_' + i + '.mask'), 'wb').write(m.numpy().tobytes())");
        Python.runOrFail(code, List.of(ds.featureRoot().toString(), dump.toString()));
        Path packed = tmp.resolve("packed");
        PackedFeatureStoreTest.pack(ds, packed, PackedFeatureStore.Precision.FLOAT32,
                PackedFeatureStore.DEFAULT_WINDOW);
        try (FeatureStore dir = ds.featureStore(); FeatureStore pk = PackedFeatureStore.open(packed)) {
            for (FeatureStore s : new FeatureStore[] {dir, pk}) {
                for (String id : ds.videos().keySet()) {
                    VideoFeatures v = s.video(id);
                    assertArrayEquals(floats(dump.resolve("v_" + id + ".feat")), v.feats().toArray(), id);
                    assertArrayEquals(floats(dump.resolve("v_" + id + ".mask")), v.mask().toArray(), id);
                }
                for (String id : ds.music().keySet()) {
                    MusicFeatures m = s.music(id);
                    Tensor expected = Tensor.wrap(floats(dump.resolve("m_" + id + ".feat")), 96, 768);
                    assertArrayEquals(expected.toArray(), m.feats().toArray(), id);
                    assertArrayEquals(floats(dump.resolve("m_" + id + ".mask")), m.mask().toArray(), id);
                }
            }
        }
    }

    private static float[] floats(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
