package org.mgsv.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.testing.Resources;

/** Reads the torch.save fixtures made by torchsave/make_fixtures.py and checks every value. */
class TorchSaveTest {
    @TempDir Path tmp;

    private static float[] ramp(int n, float center, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - center) / scale;
        }
        return v;
    }

    @Test
    void readsFloat32() {
        Tensor t = TorchSave.read(Resources.path("torchsave/f32_2x3.pt"));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(ramp(6, 2.5f, 4), t.toArray());
        assertEquals(0.625f, t.get(1, 2));
    }

    @Test
    void readsFloat16AsFloat32() {
        Tensor t = TorchSave.read(Resources.path("torchsave/f16_3x4.pt"));
        assertArrayEquals(new int[] {3, 4}, t.shape());
        assertArrayEquals(ramp(12, 6, 8), t.toArray());
    }

    @Test
    void readsFloat64AsFloat32() {
        Tensor t = TorchSave.read(Resources.path("torchsave/f64_4.pt"));
        assertArrayEquals(new float[] {-1.5f, -0.5f, 0.5f, 1.5f}, t.toArray());
    }

    @Test
    void readsFeatureAndMask() {
        Tensor v = TorchSave.read(Resources.path("torchsave/vit_50x16.pt"), 50, 16);
        for (int r = 0; r < 50; r++) {
            for (int c = 0; c < 16; c++) {
                int i = r * 16 + c;
                float expected = r >= 40 ? 0f : ((i % 97) - 48) / 16f;
                assertEquals(expected, v.get(r, c), "at " + r + "," + c);
            }
        }
        Tensor m = TorchSave.read(Resources.path("torchsave/mask_50.pt"), 50);
        for (int i = 0; i < 50; i++) {
            assertEquals(i < 40 ? 1f : 0f, m.get(i));
        }
    }

    @Test
    void readsViewWithOffsetAndStrides() {
        Tensor t = TorchSave.read(Resources.path("torchsave/view_offset_stride.pt"));
        assertArrayEquals(new int[] {3, 3}, t.shape());
        // base[i][j] = 6i + j; view = base[1:, ::2]
        assertArrayEquals(new float[] {6, 8, 10, 12, 14, 16, 18, 20, 22}, t.toArray());
    }

    @Test
    void readsTransposedView() {
        Tensor t = TorchSave.read(Resources.path("torchsave/view_transposed.pt"));
        assertArrayEquals(new int[] {6, 4}, t.shape());
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(c * 6 + r, t.get(r, c));
            }
        }
    }

    @Test
    void readsLegacyFormat() {
        Tensor t = TorchSave.read(Resources.path("torchsave/legacy_f32_2x3.pt"));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(ramp(6, 2.5f, 4), t.toArray());
    }

    @Test
    void rejectsNonTensorNamingFile() {
        Path p = Resources.path("torchsave/dict.pt");
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p));
        assertTrue(e.getMessage().contains("dict.pt") && e.getMessage().contains("a dict"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedDtypeNamingFile() {
        Path p = Resources.path("torchsave/complex.pt");
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p));
        assertTrue(e.getMessage().contains("complex.pt") && e.getMessage().contains("ComplexFloatStorage")
                && e.getMessage().contains("unsupported"), e.getMessage());
    }

    @Test
    void rejectsWrongShape() {
        Path p = Resources.path("torchsave/f32_2x3.pt");
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p, 3, 2));
        assertTrue(e.getMessage().contains("f32_2x3.pt") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("expected [3, 2]"), e.getMessage());
    }

    @Test
    void rejectsTruncatedFilesAtEveryLength() throws IOException {
        byte[] all = Files.readAllBytes(Resources.path("torchsave/f32_2x3.pt"));
        Path p = tmp.resolve("cut.pt");
        for (int n = 0; n < all.length; n += 7) {
            Files.write(p, Arrays.copyOf(all, n));
            MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p), "length " + n);
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }

    @Test
    void rejectsTruncatedLegacyFile() throws IOException {
        byte[] all = Files.readAllBytes(Resources.path("torchsave/legacy_f32_2x3.pt"));
        Path p = tmp.resolve("cut.pt");
        Files.write(p, Arrays.copyOf(all, all.length - 5));
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("cut.pt"), e.getMessage());
    }

    @Test
    void rejectsCorruptStorageData() throws IOException {
        // flip a byte inside the stored float data: the zip CRC check must catch it
        byte[] all = Files.readAllBytes(Resources.path("torchsave/f32_2x3.pt"));
        byte[] data = TorchSave.toBytes(Tensor.of(ramp(6, 2.5f, 4), 2, 3));
        int at = indexOf(data, Tensor.of(ramp(6, 2.5f, 4), 2, 3).toLittleEndianBytes());
        assertTrue(at > 0);
        data[at + 3] ^= 0x40;
        Path p = tmp.resolve("flip.pt");
        Files.write(p, data);
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p));
        assertTrue(e.getMessage().contains("flip.pt"), e.getMessage());
        assertTrue(all.length > 0);
    }

    @Test
    void rejectsNonFiniteValues() {
        Path p = tmp.resolve("nan.pt");
        float[] v = ramp(6, 2.5f, 4);
        v[4] = Float.NaN;
        TorchSave.write(p, Tensor.of(v, 2, 3));
        assertTrue(TorchSave.read(p).hasNonFinite());
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(p, 2, 3));
        assertTrue(e.getMessage().contains("nan.pt") && e.getMessage().contains("[1, 1]"), e.getMessage());
        v[4] = Float.NEGATIVE_INFINITY;
        TorchSave.write(p, Tensor.of(v, 2, 3));
        assertThrows(MgsvException.class, () -> TorchSave.read(p, 2, 3));
    }

    @Test
    void rejectsMissingAndNonTorchFiles() throws IOException {
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(tmp.resolve("none.pt")));
        assertTrue(e.getMessage().contains("none.pt"));
        Path txt = tmp.resolve("text.pt");
        Files.writeString(txt, "hello world");
        e = assertThrows(MgsvException.class, () -> TorchSave.read(txt));
        assertTrue(e.getMessage().contains("text.pt"), e.getMessage());
    }

    @Test
    void writeThenReadRoundTrips() {
        for (int[] shape : new int[][] {{50, 512}, {96}, {}, {0, 4}, {2, 3, 4}}) {
            int n = Tensor.numel(shape);
            float[] v = new float[n];
            java.util.Random r = new java.util.Random(n);
            for (int i = 0; i < n; i++) {
                v[i] = (float) r.nextGaussian();
            }
            Path p = tmp.resolve("rt" + n + ".pt");
            TorchSave.write(p, Tensor.of(v, shape));
            Tensor t = TorchSave.read(p);
            assertArrayEquals(shape, t.shape());
            assertArrayEquals(v, t.toArray());
        }
    }

    @Test
    void writerAlignsStorageTo64Bytes() {
        Tensor t = Tensor.of(ramp(6, 2.5f, 4), 2, 3);
        byte[] file = TorchSave.toBytes(t);
        int at = indexOf(file, t.toLittleEndianBytes());
        assertEquals(0, at % 64, "storage data offset " + at);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A zip bomb: a valid [50,512] feature file whose storage entry is replaced by {@code inflated} bytes of
     * zeros, deflated to a few hundred KB.
     */
    static Path zipBomb(Path dir, String name, long inflated) throws IOException {
        Path ok = dir.resolve("ok-" + name);
        TorchSave.write(ok, Tensor.of(new float[50 * 512], 50, 512));
        Path bomb = dir.resolve(name);
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(ok.toFile());
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
            out.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            for (var en = in.entries(); en.hasMoreElements(); ) {
                java.util.zip.ZipEntry e = en.nextElement();
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                byte[] b = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith("/data/0")) {
                    byte[] zeros = new byte[1 << 20];
                    for (long done = 0; done < inflated; done += zeros.length) {
                        out.write(zeros, 0, (int) Math.min(zeros.length, inflated - done));
                    }
                } else {
                    out.write(b);
                }
                out.closeEntry();
            }
        }
        return bomb;
    }

    @Test
    void aZipBombIsRefusedBeforeItIsInflated() throws IOException {
        // 256 MiB of zeros in a file of a few hundred KB, where a [50,512] float tensor needs 100 KiB
        Path bomb = zipBomb(tmp, "bomb.pt", 256L << 20);
        assertTrue(Files.size(bomb) < 2 << 20, "bomb is small: " + Files.size(bomb));
        long t0 = System.nanoTime();
        MgsvException e = assertThrows(MgsvException.class, () -> TorchSave.read(bomb, 50, 512));
        assertTrue(e.getMessage().contains("bomb.pt") && e.getMessage().contains("zip bomb"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "refused without inflating");
        // and without an expected shape, the storage never inflates past what its pickle declares
        MgsvException any = assertThrows(MgsvException.class, () -> TorchSave.read(bomb));
        assertTrue(any.getMessage().contains("zip bomb"), any.getMessage());
    }
}
