package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Dropout masks drawn in Java. libtorch's CPU dropout draws its Bernoulli mask with one Mersenne-Twister number per
 * element (its vectorised MKL path is only taken on Intel CPUs); on the 2-core AMD machine of the README's
 * benchmarks that took about a quarter of a reference-size training step. Here a {@link SplittableRandom} draws
 * 32-bit uniforms (two per 64-bit draw), each compared with a threshold in Java and written as its mask value (0 or
 * 1/k) into a reusable direct buffer, which the mask tensor copies: no comparison, cast or scaling pass in
 * libtorch.
 *
 * <p><b>Semantics.</b> An element is kept with probability k = 1 − round(p·2³²)/2³² and then multiplied by 1/k,
 * so E[mask] = 1 exactly and the dropout rate differs from p by at most 2⁻³³. The draws come from a
 * per-thread generator that {@link #seed} resets, so a step seeded the same way draws the same masks (training
 * resumes bit-identically).
 *
 * <p><b>Memory.</b> Each thread keeps one direct buffer of 2 bytes per element of the largest mask it has drawn
 * (4 bytes per element; a batch-32 reference step: 22 MB); the tensor created from it owns a copy.
 */
public final class DropoutMasks {
    private static final int CHUNK = 1 << 14;
    private static final double TWO32 = 4294967296.0;

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(() -> new State(0x6d67737644726f70L));

    private static final ThreadLocal<Source> SOURCE = new ThreadLocal<>();

    private DropoutMasks() {}

    /** Masks supplied from elsewhere instead of drawn (see {@link #replay}). */
    @FunctionalInterface
    public interface Source {
        /** The mask (0 or the keep-scale per element) of the next draw of {@code shape} at {@code rate}. */
        NDArray mask(NDManager m, Shape shape, float rate);
    }

    /**
     * Until the returned handle is closed, every {@link #draw} of this thread returns {@code source}'s mask instead
     * of drawing one: replays masks recorded from another implementation (the reference's training-mode parity
     * test feeds it the dropout masks of the official model, call by call).
     */
    public static AutoCloseable replay(Source source) {
        Source before = SOURCE.get();
        SOURCE.set(source);
        return () -> SOURCE.set(before);
    }

    private static final class State {
        SplittableRandom rng;
        ByteBuffer buffer = ByteBuffer.allocateDirect(0);
        final float[] floats = new float[2 * CHUNK];

        State(long seed) {
            rng = new SplittableRandom(seed);
        }
    }

    /** Resets this thread's generator: the masks drawn next depend only on {@code seed}. */
    public static void seed(long seed) {
        STATE.get().rng = new SplittableRandom(seed);
    }

    /** The probability that an element survives dropout with rate {@code rate} (see the class comment). */
    public static double keepProbability(float rate) {
        return 1.0 - Math.round(rate * TWO32) / TWO32;
    }

    /**
     * A float32 mask of {@code shape} with values 0 or 1/k (k = {@link #keepProbability}), attached to {@code m}.
     * {@code rate} must be in (0, 1); a rate of 1 gives zeros.
     */
    public static NDArray draw(NDManager m, Shape shape, float rate) {
        if (!(rate > 0f && rate <= 1f)) {
            throw new IllegalArgumentException("dropout rate must be in (0, 1], got " + rate);
        }
        Source src = SOURCE.get();
        if (src != null) {
            return src.mask(m, shape, rate);
        }
        double keep = keepProbability(rate);
        if (keep <= 0) {
            return m.zeros(shape);
        }
        long n = shape.size();
        if (n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("dropout mask too large: " + shape);
        }
        State s = STATE.get();
        long words = (n + 1) / 2;
        int bytes = (int) (words * 8);
        if (s.buffer.capacity() < bytes) {
            s.buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        // a uniform int32 r in [-2^31, 2^31) survives iff r >= threshold: probability (2^31 - threshold) / 2^32.
        // Each 64-bit draw gives two: its low half (element 2i) and its high half (element 2i + 1), as the int32
        // view of the draws in native (little-endian) order. The mask is written as floats 0 or 1/k directly.
        int threshold = (int) (Math.round(rate * TWO32) - (1L << 31));
        float scale = (float) (1.0 / keep);
        FloatBuffer fb = s.buffer.duplicate().order(ByteOrder.nativeOrder()).clear().asFloatBuffer();
        float[] out = s.floats;
        for (long done = 0; done < n; ) {
            int len = (int) Math.min(2L * CHUNK, n - done); // even except for the last chunk
            for (int i = 0; i < len; i += 2) {
                long r = s.rng.nextLong();
                out[i] = (int) r >= threshold ? scale : 0f;
                if (i + 1 < len) {
                    out[i + 1] = (int) (r >>> 32) >= threshold ? scale : 0f;
                }
            }
            fb.put(out, 0, len);
            done += len;
        }
        ByteBuffer view = s.buffer.duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit((int) (n * 4));
        // the tensor created on a direct buffer views it: the mask gets its own copy (the buffer is reused)
        try (NDArray v = m.create(view.slice().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32)) {
            return v.duplicate();
        }
    }
}
