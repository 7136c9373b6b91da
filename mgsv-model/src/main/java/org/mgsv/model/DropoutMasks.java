package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Dropout masks drawn in Java. libtorch's CPU dropout draws its Bernoulli mask with one Mersenne-Twister number per
 * element (its vectorised MKL path is only taken on Intel CPUs); on the 2-core AMD machine of the README's
 * benchmarks that took about a quarter of a reference-size training step. Here {@link SplittableRandom}s draw
 * 32-bit uniforms (two per 64-bit draw), each compared with a threshold in Java and written as its mask value (0 or
 * 1/k) straight into the mask tensor's storage, chunk by chunk on libtorch's number of threads
 * ({@link HostParallel}): no comparison, cast, scaling or copy pass in libtorch.
 *
 * <p><b>Semantics.</b> An element is kept with probability k = 1 − round(p·2³²)/2³² and then multiplied by 1/k,
 * so E[mask] = 1 exactly and the dropout rate differs from p by at most 2⁻³³. The draws come from a
 * per-thread generator that {@link #seed} resets (one draw per mask seeds the mask's chunks), so a step seeded the
 * same way draws the same masks, whatever the number of threads (training resumes bit-identically).
 */
public final class DropoutMasks {
    /** Elements per chunk (even: a 64-bit draw gives two elements). */
    static final int CHUNK = 1 << 15;
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

        State(long seed) {
            rng = new SplittableRandom(seed);
        }
    }

    /** A well-spread seed for chunk {@code c} of a mask (SplitMix64's finaliser of the pair). */
    static long chunkSeed(long seed, int c) {
        long z = seed + (c + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
        // a uniform int32 r in [-2^31, 2^31) survives iff r >= threshold: probability (2^31 - threshold) / 2^32.
        // Each 64-bit draw gives two: its low half (element 2i) and its high half (element 2i + 1). The mask is
        // written as floats 0 or 1/k straight into the new tensor's storage, in chunks of CHUNK elements; chunk c
        // draws from its own generator, seeded from this mask's draw of the thread's generator and c, so the mask
        // does not depend on how many threads fill it.
        int threshold = (int) (Math.round(rate * TWO32) - (1L << 31));
        float scale = (float) (1.0 / keep);
        long maskSeed = STATE.get().rng.nextLong();
        NDArray mask = m.create(shape, DataType.FLOAT32);
        FloatBuffer fb = TensorStorage.floats(mask);
        HostParallel.ranges(n, CHUNK, float[]::new, (c, from, len, out) -> { // len even except for the last chunk
            SplittableRandom rng = new SplittableRandom(chunkSeed(maskSeed, c));
            for (int i = 0; i < len; i += 2) {
                long r = rng.nextLong();
                out[i] = (int) r >= threshold ? scale : 0f;
                if (i + 1 < len) {
                    out[i + 1] = (int) (r >>> 32) >= threshold ? scale : 0f;
                }
            }
            fb.put(from, out, 0, len);
        });
        return mask;
    }
}
