package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dropout as torch defines it (rate, inverted scaling, gradient through the kept elements), reproducible by seed. */
class DropoutMasksTest {

    @Test
    void keepsTheRightShareAndScalesByItsInverse() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (float rate : new float[] {0.1f, 0.3f, 0.8f}) {
                DropoutMasks.seed(5);
                int n = 1 << 20;
                float[] v = DropoutMasks.draw(m, new Shape(4, n / 4), rate).toFloatArray();
                double keep = DropoutMasks.keepProbability(rate);
                assertEquals(1 - rate, keep, 1e-7, "keep probability");
                float scale = (float) (1.0 / keep);
                long kept = 0;
                for (float x : v) {
                    assertTrue(x == 0f || x == scale, "mask values are 0 or 1/keep, got " + x);
                    kept += x != 0f ? 1 : 0;
                }
                double sd = Math.sqrt(n * keep * (1 - keep));
                assertEquals(n * keep, kept, 5 * sd, "kept elements at rate " + rate);
            }
        }
    }

    @Test
    void sameSeedSameMaskOtherSeedOtherMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = new Shape(3, 5, 7);
            DropoutMasks.seed(11);
            float[] a = DropoutMasks.draw(m, s, 0.5f).toFloatArray();
            float[] a2 = DropoutMasks.draw(m, s, 0.5f).toFloatArray();
            DropoutMasks.seed(11);
            float[] b = DropoutMasks.draw(m, s, 0.5f).toFloatArray();
            DropoutMasks.seed(12);
            float[] c = DropoutMasks.draw(m, s, 0.5f).toFloatArray();
            assertArrayEquals(a, b, "the same seed draws the same mask");
            assertFalse(Arrays.equals(a, a2), "consecutive draws differ");
            assertFalse(Arrays.equals(a, c), "another seed draws another mask");
        }
    }

    @Test
    void dropoutIsIdentityOutsideTrainingAndGradientFollowsTheMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(64, 33));
            assertEquals(x, Ops.dropout(x, 0.3f, false));
            x.setRequiresGradient(true);
            DropoutMasks.seed(3);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Ops.dropout(x, 0.3f, true);
                float[] xv = x.toFloatArray();
                float[] yv = y.toFloatArray();
                gc.backward(y.sum());
                float[] g = x.getGradient().toFloatArray();
                float scale = (float) (1.0 / DropoutMasks.keepProbability(0.3f));
                int dropped = 0;
                for (int i = 0; i < xv.length; i++) {
                    if (g[i] == 0f) {
                        assertEquals(0f, Math.abs(yv[i]));
                        dropped++;
                    } else {
                        assertEquals(scale, g[i]);
                        assertEquals(xv[i] * scale, yv[i], 1e-6f * Math.abs(yv[i]));
                    }
                }
                assertTrue(dropped > 0 && dropped < xv.length, "some but not all elements dropped: " + dropped);
            }
        }
    }

    @Test
    void rateOneDropsEverythingAndBadRatesAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = DropoutMasks.draw(m, new Shape(10), 1f).toFloatArray();
            assertArrayEquals(new float[10], z);
            assertThrows(IllegalArgumentException.class, () -> DropoutMasks.draw(m, new Shape(10), 0f));
            assertThrows(IllegalArgumentException.class, () -> DropoutMasks.draw(m, new Shape(10), 1.5f));
        }
    }

    /** SplitMix64's finaliser, written here from its definition. */
    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The masks are the documented stream compared with the threshold in libtorch: chunk c's four xorshift128+
     * generators, seeded by SplitMix64 from the mask's one draw and c, written here from the class comment (not
     * from the implementation), their 64-bit outputs split into int32 halves in element order.
     */
    @Test
    void sameMasksAsTheDocumentedStreamComparedInLibtorch() {
        long gamma = 0x9E3779B97F4A7C15L;
        try (NDManager m = NDManager.newBaseManager()) {
            int chunk = DropoutMasks.CHUNK;
            for (int n : new int[] {1, 12345, 3 * chunk + 7}) {
                float rate = 0.3f;
                long maskSeed = new java.util.SplittableRandom(99).nextLong();
                int[] draws = new int[n];
                for (int c = 0; c * (long) chunk < n; c++) {
                    long sc = splitMix(maskSeed + (c + 1) * gamma);
                    long[] s0 = new long[4];
                    long[] s1 = new long[4];
                    for (int j = 0; j < 4; j++) {
                        s0[j] = splitMix(sc + (2L * j + 1) * gamma);
                        s1[j] = splitMix(sc + (2L * j + 2) * gamma);
                    }
                    for (int t = 0; 8 * t < Math.min(chunk, n - c * chunk); t++) {
                        for (int j = 0; j < 4; j++) {
                            long x = s0[j];
                            long y = s1[j];
                            s0[j] = y;
                            x ^= x << 23;
                            s1[j] = x ^ y ^ (x >>> 17) ^ (y >>> 26);
                            long r = s1[j] + y;
                            int e = c * chunk + 8 * t + 2 * j;
                            if (e < n) {
                                draws[e] = (int) r;
                            }
                            if (e + 1 < n) {
                                draws[e + 1] = (int) (r >>> 32);
                            }
                        }
                    }
                }
                long threshold = Math.round(rate * 4294967296.0) - (1L << 31);
                double keep = DropoutMasks.keepProbability(rate);
                float[] want;
                try (NDArray r = m.create(draws, new Shape(n)); NDArray kept = r.gte((int) threshold)) {
                    want = kept.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).muli((float) (1.0 / keep))
                            .toFloatArray();
                }
                DropoutMasks.seed(99);
                NDArray mask = DropoutMasks.draw(m, new Shape(n), rate);
                DropoutMasks.draw(m, new Shape(n), rate); // a later draw must not change an earlier mask
                assertArrayEquals(want, mask.toFloatArray(), "n = " + n);
            }
        }
    }

    /** The SIMD generator gives the scalar one's masks, bit for bit, and leaves the same generator states. */
    @Test
    void vectorGeneratorIsTheScalarOne() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.mgsv.core.util.VectorSupport.AVAILABLE,
                "jdk.incubator.vector is not in this JVM");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        for (int len : new int[] {1, 8, 13, 4096, DropoutMasks.CHUNK}) {
            for (float rate : new float[] {0.1f, 0.5f, 0.9f}) {
                int threshold = (int) (Math.round(rate * 4294967296.0) - (1L << 31));
                long[] a = DropoutMasks.laneStates(rnd.nextLong());
                long[] b = a.clone();
                float[] x = new float[len + 8];
                float[] y = new float[len + 8];
                DropoutMasks.fill(a, threshold, 1.25f, x, len);
                DropoutMasksVectors.fill(b, threshold, 1.25f, y, len);
                assertArrayEquals(java.util.Arrays.copyOf(x, len), java.util.Arrays.copyOf(y, len),
                        "len " + len + ", rate " + rate);
                assertArrayEquals(a, b, "generator states after " + len);
            }
        }
    }

    /** Neighbouring elements (the two halves of one output, the four lanes) are kept independently. */
    @Test
    void neighboursAreIndependent() {
        try (NDManager m = NDManager.newBaseManager()) {
            DropoutMasks.seed(21);
            int n = 1 << 20;
            float[] v = DropoutMasks.draw(m, new Shape(n), 0.5f).toFloatArray();
            for (int lag : new int[] {1, 2, 7, 8}) {
                long both = 0;
                for (int i = 0; i + lag < n; i++) {
                    both += v[i] != 0f && v[i + lag] != 0f ? 1 : 0;
                }
                double pairs = n - lag;
                double sd = Math.sqrt(pairs * 0.25 * 0.75);
                assertEquals(pairs * 0.25, both, 5 * sd, "both kept at lag " + lag);
            }
        }
    }

    /** A mask filled by several threads is the one a single thread fills (resuming on another --threads is exact). */
    @Test
    void theSameMaskForEveryThreadCount() {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(5, DropoutMasks.CHUNK + 3);
            float[][] masks = new float[3][];
            int[] threads = {1, 2, 3};
            for (int i = 0; i < threads.length; i++) {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads[i]);
                DropoutMasks.seed(7);
                masks[i] = DropoutMasks.draw(m, shape, 0.8f).toFloatArray();
            }
            assertArrayEquals(masks[0], masks[1]);
            assertArrayEquals(masks[0], masks[2]);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
    }
}
