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

    /**
     * The masks as drawn before they were written in Java: each chunk's draws, as int32, compared with the threshold
     * in libtorch (chunk c of a mask draws from a generator seeded by the mask's one draw and c).
     */
    @Test
    void sameMasksAsTheLibtorchComparison() {
        try (NDManager m = NDManager.newBaseManager()) {
            int chunk = DropoutMasks.CHUNK;
            for (int n : new int[] {1, 12345, 3 * chunk + 7}) {
                float rate = 0.3f;
                long maskSeed = new java.util.SplittableRandom(99).nextLong();
                long words = (n + 1) / 2;
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect((int) (words * 8))
                        .order(java.nio.ByteOrder.nativeOrder());
                for (int c = 0; c * (long) chunk < n; c++) {
                    java.util.SplittableRandom rng = new java.util.SplittableRandom(DropoutMasks.chunkSeed(maskSeed, c));
                    for (int i = 0; i < Math.min(chunk, n - c * chunk); i += 2) {
                        buf.putLong(rng.nextLong());
                    }
                }
                buf.clear().limit(n * 4);
                long threshold = Math.round(rate * 4294967296.0) - (1L << 31);
                double keep = DropoutMasks.keepProbability(rate);
                float[] want;
                try (NDArray r = m.create(buf.slice().order(java.nio.ByteOrder.nativeOrder()), new Shape(n),
                        ai.djl.ndarray.types.DataType.INT32); NDArray kept = r.gte((int) threshold)) {
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
