package org.mgsv.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.testing.Python;
import org.mgsv.core.testing.Resources;

/** .npy/.npz against files numpy wrote (torchsave/make_fixtures.py) and, when available, numpy itself. */
class NpyTest {
    @TempDir Path tmp;

    private static final float[] F32 = {-0.625f, -0.375f, -0.125f, 0.125f, 0.375f, 0.625f};

    @Test
    void readsNumpyFiles() {
        Tensor f32 = Npy.read(Resources.path("torchsave/f32_2x3.npy"), 2, 3);
        assertArrayEquals(F32, f32.toArray());
        NpyArray f16 = Npy.readArray(Resources.path("torchsave/f16_3x4.npy"));
        assertEquals(NpyArray.Dtype.FLOAT16, f16.dtype());
        for (int i = 0; i < 12; i++) {
            assertEquals((i - 6) / 8f, f16.toTensor().getFlat(i));
        }
        NpyArray i64 = Npy.readArray(Resources.path("torchsave/i64_5.npy"));
        assertArrayEquals(new long[] {-2000, -1000, 0, 1000, 2000}, i64.toLongs());
        assertArrayEquals(new int[] {5}, i64.shape());
        NpyArray f64 = Npy.readArray(Resources.path("torchsave/f64_2x2.npy"));
        assertArrayEquals(new double[] {0.5, -1.25, 3.0, 1e-3}, f64.toDoubles());
    }

    @Test
    void rejectsFortranOrder() {
        MgsvException e = assertThrows(MgsvException.class,
                () -> Npy.read(Resources.path("torchsave/fortran_2x3.npy")));
        assertTrue(e.getMessage().contains("Fortran") && e.getMessage().contains("fortran_2x3.npy"));
    }

    @Test
    void rejectsTruncated() throws IOException {
        byte[] all = Files.readAllBytes(Resources.path("torchsave/f32_2x3.npy"));
        Path p = tmp.resolve("cut.npy");
        for (int n = 0; n < all.length; n += 5) {
            Files.write(p, Arrays.copyOf(all, n));
            MgsvException e = assertThrows(MgsvException.class, () -> Npy.read(p), "length " + n);
            assertTrue(e.getMessage().contains("cut.npy"), e.getMessage());
        }
    }

    @Test
    void writeRoundTripsEveryDtype() {
        Tensor t = Tensor.of(F32, 2, 3);
        Npy.write(tmp.resolve("a.npy"), t);
        assertEquals(t, Npy.read(tmp.resolve("a.npy")));
        Npy.write(tmp.resolve("h.npy"), NpyArray.ofHalf(t));
        assertEquals(t, Npy.read(tmp.resolve("h.npy")));
        Npy.write(tmp.resolve("l.npy"), NpyArray.ofLongs(new long[] {1L << 40, -3}, 2));
        assertArrayEquals(new long[] {1L << 40, -3}, Npy.readArray(tmp.resolve("l.npy")).toLongs());
        Npy.write(tmp.resolve("d.npy"), NpyArray.ofDoubles(new double[] {Math.PI}, 1, 1));
        assertArrayEquals(new double[] {Math.PI}, Npy.readArray(tmp.resolve("d.npy")).toDoubles());
        Npy.write(tmp.resolve("s.npy"), Tensor.of(new float[] {4f}));
        assertArrayEquals(new int[0], Npy.read(tmp.resolve("s.npy")).shape());
    }

    @Test
    void readsNumpyNpz() {
        for (String name : new String[] {"pair.npz", "pair_compressed.npz"}) {
            Map<String, NpyArray> m = Npz.read(Resources.path("torchsave/" + name));
            assertEquals(List.of("a", "b"), List.copyOf(m.keySet()));
            assertArrayEquals(F32, m.get("a").toTensor().toArray());
            assertArrayEquals(new long[] {0, 1, 2}, m.get("b").toLongs());
        }
        MgsvException e = assertThrows(MgsvException.class,
                () -> Npz.readTensor(Resources.path("torchsave/pair.npz"), "c"));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("pair.npz"));
    }

    @Test
    void npzWriteRoundTrips() {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("x", NpyArray.of(Tensor.of(F32, 3, 2)));
        m.put("y", NpyArray.ofLongs(new long[] {5, 6}, 2));
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = tmp.resolve("o" + compressed + ".npz");
            Npz.write(p, m, compressed);
            Map<String, NpyArray> r = Npz.read(p);
            assertEquals(Tensor.of(F32, 3, 2), r.get("x").toTensor());
            assertArrayEquals(new long[] {5, 6}, r.get("y").toLongs());
        }
    }

    @Test
    void numpyReadsWhatJavaWrites() {
        Python.assumeTorch();
        Npy.write(tmp.resolve("a.npy"), Tensor.of(F32, 2, 3));
        Npy.write(tmp.resolve("h.npy"), NpyArray.ofHalf(Tensor.of(F32, 6)));
        Npy.write(tmp.resolve("l.npy"), NpyArray.ofLongs(new long[] {7, -8, 9}, 3, 1));
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("x", NpyArray.of(Tensor.of(F32, 6)));
        Npz.write(tmp.resolve("c.npz"), m, true);
        String code = String.join("\n",
                "import sys, numpy as np",
                "d = sys.argv[1]",
                "a = np.load(d + '/a.npy'); assert a.dtype == np.float32 and a.shape == (2, 3), a",
                "assert (a.ravel() == np.array([-5, -3, -1, 1, 3, 5]) / 8).all(), a",
                "h = np.load(d + '/h.npy'); assert h.dtype == np.float16 and h.shape == (6,)",
                "assert (h.astype(np.float32) == a.ravel()).all()",
                "l = np.load(d + '/l.npy'); assert l.dtype == np.int64 and l.shape == (3, 1)",
                "assert l.ravel().tolist() == [7, -8, 9]",
                "c = np.load(d + '/c.npz'); assert (c['x'] == a.ravel()).all()",
                "print('ok')");
        assertTrue(Python.runOrFail(code, List.of(tmp.toString())).contains("ok"));
    }
}
