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
 * benchmarks that took about a quarter of a reference-size training step. Here each chunk of a mask runs four
 * interleaved xorshift128+ generators, whose 64-bit outputs give two 32-bit uniforms each; every uniform is compared
 * with a threshold and written as its mask value (0 or 1/k) straight into the mask tensor's storage, chunk by chunk
 * on libtorch's number of threads ({@link HostParallel}): no comparison, cast, scaling or copy pass in libtorch.
 * The four generators are the four 64-bit lanes of one SIMD register ({@code DropoutMasksVectors}, when
 * jdk.incubator.vector is present): 8 mask elements per step, a [32, 8, 146, 146] mask in 2–3 ms on 2 threads
 * against about 9 ms with a SplittableRandom draw per two elements; without the module the same numbers come from
 * the scalar loop (a test holds the two equal).
 *
 * <p><b>Semantics.</b> An element is kept with probability k = 1 − round(p·2³²)/2³² and then multiplied by 1/k,
 * so E[mask] = 1 exactly and the dropout rate differs from p by at most 2⁻³³. The draws come from a
 * per-thread generator that {@link #seed} resets (one draw per mask seeds the mask's chunks), so a step seeded the
 * same way draws the same masks, whatever the number of threads (training resumes bit-identically).
 *
 * <p><b>Stream.</b> Chunk c of a mask with seed σ starts lane j (0…3) at s0 = mix(σ_c + (2j+1)·γ),
 * s1 = mix(σ_c + (2j+2)·γ), with σ_c = {@link #chunkSeed}(σ, c), γ = 0x9E3779B97F4A7C15 and mix SplitMix64's
 * finaliser; step t of lane j gives the 64-bit r of xorshift128+ (shifts 23, 17, 26), whose low half is element
 * 8t + 2j of the chunk and high half element 8t + 2j + 1.
 */
public final class DropoutMasks {
    /** Elements per chunk (a multiple of 8: a generator step gives eight elements). */
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
        return mix(seed + (c + 1) * GAMMA);
    }

    /** The golden-ratio increment of SplitMix64. */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    /**
     * Whether the SIMD generator runs: the module is there, the CPU has 256-bit vectors (on narrower ones the
     * four-lane form would be emulated, slower than the scalar loop), and {@code -Dmgsv.dropout.direct=true} does not
     * ask for the scalar one (the same masks either way).
     */
    static final boolean VECTORS = org.mgsv.core.util.VectorSupport.AVAILABLE
            && !Boolean.getBoolean("mgsv.dropout.direct") && DropoutMasksVectors.native256();

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The states of a chunk's four generators: s0 of lanes 0…3, then s1 of lanes 0…3 (never both zero). */
    static long[] laneStates(long chunkSeed) {
        long[] st = new long[8];
        for (int j = 0; j < 4; j++) {
            st[j] = mix(chunkSeed + (2L * j + 1) * GAMMA);
            st[4 + j] = mix(chunkSeed + (2L * j + 2) * GAMMA);
            if (st[j] == 0 && st[4 + j] == 0) {
                st[4 + j] = 1; // xorshift128+ must not start from the all-zero state
            }
        }
        return st;
    }

    /**
     * The scalar generator: {@code len} mask values into {@code out} (which has room for {@code len} rounded up to
     * a multiple of 8) from the lane states {@code st} (advanced).
     */
    static void fill(long[] st, int threshold, float scale, float[] out, int len) {
        for (int i = 0; i < len; i += 8) {
            for (int j = 0; j < 4; j++) {
                long x = st[j];
                long y = st[4 + j];
                st[j] = y;
                x ^= x << 23;
                long s1 = x ^ y ^ (x >>> 17) ^ (y >>> 26);
                st[4 + j] = s1;
                long r = s1 + y;
                out[i + 2 * j] = (int) r >= threshold ? scale : 0f;
                out[i + 2 * j + 1] = (int) (r >>> 32) >= threshold ? scale : 0f;
            }
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
        // a uniform int32 r in [-2^31, 2^31) survives iff r >= threshold: probability (2^31 - threshold) / 2^32.
        // Chunk c of CHUNK elements runs its own four generators, seeded from this mask's draw of the thread's
        // generator and c (see the class comment), so the mask does not depend on how many threads fill it.
        int threshold = (int) (Math.round(rate * TWO32) - (1L << 31));
        float scale = (float) (1.0 / keep);
        long maskSeed = STATE.get().rng.nextLong();
        NDArray mask = m.create(shape, DataType.FLOAT32);
        FloatBuffer fb = TensorStorage.floats(mask);
        HostParallel.ranges(n, CHUNK, k -> HostParallel.reusedFloats(1, k + 8)[0], (c, from, len, out) -> {
            long[] state = laneStates(chunkSeed(maskSeed, c));
            if (VECTORS) {
                DropoutMasksVectors.fill(state, threshold, scale, out, len);
            } else {
                fill(state, threshold, scale, out, len);
            }
            fb.put(from, out, 0, len);
        });
        return mask;
    }
}
