package org.mgsv.media.audio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * float32: outputs differ in the last float bits, measured ≤ 2.4e-7 against torchaudio).
 */
public final class Resampler {
    public static final int LOWPASS_FILTER_WIDTH = 6;
    public static final double ROLLOFF = 0.99;

    private static final Map<Long, Resampler> CACHE = new ConcurrentHashMap<>();

    private final int origFreq; // reduced by gcd
    private final int newFreq; // reduced by gcd
    private final int width;
    private final int[] phaseStart; // first non-zero tap of each phase
    private final float[][] phaseTaps; // the non-zero span of each phase

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
        }
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

    /** Computes output samples [from, to) of the resampled x into y (for splitting work across threads). */
    public void apply(float[] x, float[] y, int from, int to) {
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
