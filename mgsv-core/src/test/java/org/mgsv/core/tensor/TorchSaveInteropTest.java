package org.mgsv.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.testing.Python;

/**
 * Interoperability with real PyTorch (skipped without it): files written by {@link TorchSave#write} load in
 * {@code torch.load} with the same values, and files saved by {@code torch.save} (float32, float16, views)
 * read back in Java with the values torch reports.
 */
class TorchSaveInteropTest {
    @TempDir Path tmp;

    private static final int[][] SHAPES = {{50, 512}, {50}, {96, 768}, {3, 1, 2}, {}, {0, 5}};

    @Test
    void torchLoadsWhatJavaWrites() throws IOException {
        Python.assumeTorch();
        List<String> args = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        Random r = new Random(7);
        for (int k = 0; k < SHAPES.length; k++) {
            float[] v = new float[Tensor.numel(SHAPES[k])];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 3);
            }
            if (v.length > 2) {
                v[1] = Float.MIN_VALUE; // subnormal
                v[2] = -0.0f;
            }
            Tensor t = Tensor.of(v, SHAPES[k]);
            Path p = tmp.resolve("t" + k + ".pt");
            TorchSave.write(p, t);
            tensors.add(t);
            args.add(p.toString());
        }
        String code = String.join("\n",
                "import sys, torch",
                "for f in sys.argv[1:]:",
                "    t = torch.load(f)",
                "    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32, (f, type(t))",
                "    open(f + '.shape', 'w').write(','.join(str(d) for d in t.shape))",
                "    open(f + '.bin', 'wb').write(t.contiguous().numpy().tobytes())");
        Python.runOrFail(code, args);
        for (int k = 0; k < SHAPES.length; k++) {
            String shape = Files.readString(Path.of(args.get(k) + ".shape"));
            int[] dims = shape.isEmpty() ? new int[0]
                    : java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(SHAPES[k], dims, "shape of " + args.get(k));
            byte[] bin = Files.readAllBytes(Path.of(args.get(k) + ".bin"));
            assertArrayEquals(tensors.get(k).toLittleEndianBytes(), bin, "values of " + args.get(k));
        }
    }

    @Test
    void javaReadsWhatTorchSaves() throws IOException {
        Python.assumeTorch();
        String code = String.join("\n",
                "import sys, torch",
                "d = sys.argv[1]",
                "g = torch.Generator().manual_seed(3)",
                "base = torch.randn(7, 9, generator=g)",
                "cases = {",
                "  'f32': torch.randn(50, 512, generator=g),",
                "  'f16': (torch.randn(96, 768, generator=g) * 100).half(),",
                "  'view': base[2:, 1::3],",
                "  'transposed': base.t(),",
                "  'expanded': torch.randn(1, 4, generator=g).expand(3, 4),",
                "  'bf16': torch.randn(5, 6, generator=g).bfloat16(),",
                "  'scalar': torch.tensor(2.5),",
                "}",
                "for k, t in cases.items():",
                "    torch.save(t, f'{d}/{k}.pt')",
                "    open(f'{d}/{k}.shape', 'w').write(','.join(str(x) for x in t.shape))",
                "    open(f'{d}/{k}.bin', 'wb').write(t.float().contiguous().numpy().tobytes())");
        Python.runOrFail(code, List.of(tmp.toString()));
        for (String k : new String[] {"f32", "f16", "view", "transposed", "expanded", "bf16", "scalar"}) {
            Tensor t = TorchSave.read(tmp.resolve(k + ".pt"));
            String shape = Files.readString(tmp.resolve(k + ".shape"));
            int[] dims = shape.isEmpty() ? new int[0]
                    : java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(dims, t.shape(), k);
            float[] expected = new float[t.size()];
            ByteBuffer.wrap(Files.readAllBytes(tmp.resolve(k + ".bin"))).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(expected);
            assertArrayEquals(expected, t.toArray(), k);
            assertEquals(dims.length, t.rank());
        }
    }
}
