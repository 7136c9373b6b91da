package org.mgsv.media.audio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mgsv.core.util.VectorSupport;

/**
 * Band-limited resampling exactly as torchaudio 0.13's {@code functional.resample} with its defaults
 * ({@code resampling_method="sinc_interpolation"} i.e. a Hann-windowed sinc, {@code lowpass_filter_width=6},
 * {@code rolloff=0.99}).
 *
 * <p>Both rates are reduced by their gcd (44100 → 16000 becomes 441 → 160). The polyphase kernel has
 * {@code new} phases of {@code 2·width + orig} taps with {@code width = ceil(6·orig / (min(orig,new)·0.99))};
 * phase j, tap k evaluates {@code t = (k − width)/orig − j/new} scaled by the cut-off, clamped to ±6, as
 * {@code sinc(π t)·cos²(π t / 12)·cutoff/orig}. The kernel is computed in float32 with torchaudio's operation
 * order (its default for a float32 waveform). The signal is padded with {@code width} zeros on the left and
 * {@code width + orig} on the right, convolved with stride {@code orig}, phases interleaved, and cut to
 * {@code ceil(new·n/orig)} samples.
 *
 * <p>Taps whose argument is clamped (|t| ≥ 6) carry the window value cos²(π/2), which is 1.9e-15 in float32
 * rather than 0: each phase stores only its unclamped span (≈ 34 of 475 taps for 441 → 160), ~14× less work;
 * the dropped taps change outputs by less than 1e-13 relative. Accumulation is in double (torch accumulates in
 * float32: outputs differ in the last float bits, measured ≤ 2.4e-7 against torchaudio), vectorised by the
 * polyphase layout of {@link #apply(float[], float[], int, int)}.
 */
public final class Resampler {
    public static final int LOWPASS_FILTER_WIDTH = 6;
    public static final double ROLLOFF = 0.99;

    private static final Map<Long, Resampler> CACHE = new ConcurrentHashMap<>();
    /** Whether the SIMD polyphase form can run (jdk.incubator.vector in the boot layer); else the direct form. */
    static final boolean SIMD = VectorSupport.AVAILABLE && !Boolean.getBoolean("mgsv.resampler.direct");
    /**
     * Shorter ranges take the direct form: until the JIT has compiled the vector code, every vector operation is
     * an object, tens of MB of short-lived garbage for a 10 s preview, more than the direct form costs there.
     */
    static final int SIMD_MIN_OUTPUTS = 1 << 18;

    private final int origFreq; // reduced by gcd
    private final int newFreq; // reduced by gcd
    private final int width;
    private final int[] phaseStart; // first non-zero tap of each phase
    private final float[][] phaseTaps; // the non-zero span of each phase
    private final int maxTaps; // the longest phase
    private final int maxTapQuotient; // the largest (phaseStart + tap) / orig: how far past m·orig a phase reads

    private Resampler(int orig, int target) {
        int g = gcd(orig, target);
        this.origFreq = orig / g;
        this.newFreq = target / g;
        double baseFreq = Math.min(origFreq, newFreq) * ROLLOFF;
        this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * origFreq / baseFreq);
        int taps = 2 * width + origFreq;
        float baseF = (float) baseFreq;
        float piF = (float) Math.PI;
        float lw = LOWPASS_FILTER_WIDTH;
        float scale = (float) (baseFreq / origFreq);
        phaseStart = new int[newFreq];
        phaseTaps = new float[newFreq][];
        float[] row = new float[taps];
        int maxQ = 0, longest = 0;
        for (int j = 0; j < newFreq; j++) {
            float shift = (float) (-j) / (float) newFreq;
            int first = -1, last = -1;
            for (int k = 0; k < taps; k++) {
                float idx = (float) (k - width) / (float) origFreq;
                float t = shift + idx;
                t = t * baseF;
                boolean clamped = t <= -lw || t >= lw;
                t = Math.max(-lw, Math.min(lw, t));
                float c = (float) Math.cos(t * piF / lw / 2f);
                float window = c * c;
                t = t * piF;
                float kern = t == 0f ? 1f : (float) Math.sin(t) / t;
                kern = kern * (window * scale);
                row[k] = kern;
                if (!clamped && kern != 0f) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            phaseStart[j] = Math.max(first, 0);
            phaseTaps[j] = first < 0 ? new float[0] : java.util.Arrays.copyOfRange(row, first, last + 1);
            maxQ = Math.max(maxQ, (phaseStart[j] + Math.max(phaseTaps[j].length, 1) - 1) / origFreq);
            longest = Math.max(longest, phaseTaps[j].length);
        }
        this.maxTapQuotient = maxQ;
        this.maxTaps = longest;
    }

    /** The (cached) resampler from {@code orig} Hz to {@code target} Hz. */
    public static Resampler of(int orig, int target) {
        if (orig <= 0 || target <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + orig + " -> " + target);
        }
        return CACHE.computeIfAbsent(((long) orig << 32) | target, key -> new Resampler(orig, target));
    }

    /** Resamples one channel from {@code orig} to {@code target} Hz (returns the input when equal). */
    public static float[] resample(float[] x, int orig, int target) {
        if (orig == target) {
            return x;
        }
        return of(orig, target).apply(x);
    }

    /** Output length torchaudio produces for n input samples: ceil(new·n/orig) on the reduced rates. */
    public long outputLength(long n) {
        return (long) Math.ceil((double) (newFreq * n) / origFreq);
    }

    /**
     * Input samples of one resampling period: every {@code inputPeriod()} input samples give {@link #outputPeriod()}
     * outputs (the rates reduced by their gcd), so an excerpt that starts on a whole period, resampled alone, falls on
     * the whole signal's output grid (away from its edges, sample for sample the same outputs).
     */
    public int inputPeriod() {
        return origFreq;
    }

    /** Output samples of one resampling period (see {@link #inputPeriod()}). */
    public int outputPeriod() {
        return newFreq;
    }

    /** Filter half-width in input samples (torchaudio's {@code width}). */
    public int width() {
        return width;
    }

    public float[] apply(float[] x) {
        int n = x.length;
        long outLen = outputLength(n);
        if (outLen > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("signal too long to resample: " + n + " samples");
        }
        float[] y = new float[(int) outLen];
        apply(x, y, 0, y.length);
        return y;
    }

    /**
     * Computes output samples [from, to) of the resampled x into y (for splitting work across threads).
     *
     * <p>Polyphase form: the (zero-padded) input is dealt into {@code orig} streams, stream r holding input samples
     * r, r + orig, r + 2·orig, ...; then, for a block of consecutive outputs of one phase, each tap is one
     * multiply-add over a contiguous run of one stream ({@code acc[i] += tap · stream[q + i]}), four vectors of outputs
     * held in registers across a phase's taps ({@link ResamplerVectors}), where the direct form is a dot product per
     * output that the JIT runs one multiply-add at a time (it does not vectorise a reduction, nor, on Java 17, the
     * multiply-add loop with the stream's offset). Without jdk.incubator.vector (or with
     * {@code -Dmgsv.resampler.direct=true}) the direct form runs. Each
     * output still sums the same exact products (a float times a float is exact in double) in the same order, from
     * zero, so the result is bit for bit the direct form's ({@link #applyDirect}; a test holds them equal).
     */
    public void apply(float[] x, float[] y, int from, int to) {
        if (!SIMD || to - from < SIMD_MIN_OUTPUTS) {
            applyDirect(x, y, from, to);
        } else {
            applyPolyphase(x, y, from, to);
        }
    }

    /** The polyphase SIMD form of {@link #apply(float[], float[], int, int)} for any range (needs {@link #SIMD}). */
    void applyPolyphase(float[] x, float[] y, int from, int to) {
        if (to - from < 4 * newFreq) {
            applyDirect(x, y, from, to);
            return;
        }
        int n = x.length;
        int block = Math.max(64, Math.min(2048, (1 << 17) / origFreq)); // outputs per phase per block
        int qLen = block + maxTapQuotient + 1;
        double[] streams = new double[origFreq * qLen];
        double[] acc = new double[block];
        int[] offs = new int[maxTaps];
        double[] taps = new double[maxTaps];
        int mEnd = (to - 1) / newFreq + 1;
        for (int mBase = from / newFreq; mBase < mEnd; mBase += block) {
            int b = Math.min(block, mEnd - mBase);
            int qn = b + maxTapQuotient + 1;
            for (int q = 0; q < qn; q++) {
                int p0 = (mBase + q) * origFreq - width; // unpadded index of stream 0's element q
                for (int r = 0; r < origFreq; r++) {
                    int p = p0 + r;
                    streams[r * qLen + q] = p >= 0 && p < n ? x[p] : 0.0;
                }
            }
            for (int j = 0; j < newFreq; j++) {
                float[] pt = phaseTaps[j];
                int ps = phaseStart[j];
                for (int k = 0; k < pt.length; k++) {
                    taps[k] = pt[k];
                    offs[k] = ((ps + k) % origFreq) * qLen + (ps + k) / origFreq;
                }
                ResamplerVectors.phase(streams, offs, taps, pt.length, acc, b);
                long out0 = (long) mBase * newFreq + j;
                for (int i = 0; i < b; i++) {
                    long out = out0 + (long) i * newFreq;
                    if (out >= from && out < to) {
                        y[(int) out] = (float) acc[i];
                    }
                }
            }
        }
    }

    /** The direct form of {@link #apply(float[], float[], int, int)}: one dot product per output sample. */
    void applyDirect(float[] x, float[] y, int from, int to) {
        int n = x.length;
        for (int out = from; out < to; out++) {
            int m = out / newFreq;
            int j = out - m * newFreq;
            float[] taps = phaseTaps[j];
            // tap k reads padded input m*orig + k, i.e. x[m*orig + k - width]
            int base = m * origFreq + phaseStart[j] - width;
            int k0 = Math.max(0, -base);
            int k1 = Math.min(taps.length, n - base);
            double acc = 0;
            for (int k = k0; k < k1; k++) {
                acc += (double) taps[k] * x[base + k];
            }
            y[out] = (float) acc;
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
