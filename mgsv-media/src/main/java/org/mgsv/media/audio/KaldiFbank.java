package org.mgsv.media.audio;

/**
 * Log mel filterbank features as torchaudio 0.13's {@code compliance.kaldi.fbank} computes them with the AST
 * settings: 16 kHz input, 128 mel bins, 25 ms frames (400 samples), 10 ms shift (160 samples), snip_edges
 * (frames = 1 + (n − 400) / 160), per-frame DC removal, pre-emphasis 0.97 (x[−1] = x[0]), symmetric Hann window
 * 0.5 − 0.5·cos(2πn/399), zero-padding to 512, power spectrum, HTK mel filters (1127·ln(1 + f/700)) from 20 Hz
 * to 8 kHz with peak 1 and the Nyquist bin weighted 0, natural log floored at float32 eps, no energy column,
 * no dither.
 *
 * <p>The mel filterbank is built with the same float32 arithmetic torchaudio uses and stored sparsely (each
 * filter touches a few FFT bins); per-frame arithmetic is double, rounded to float at the end. Instances own
 * scratch buffers: use one per thread.
 */
public final class KaldiFbank {
    public static final int SAMPLE_RATE = 16000;
    public static final int FRAME_LENGTH = 400;
    public static final int FRAME_SHIFT = 160;
    public static final int FFT_SIZE = 512;
    public static final int MEL_BINS = 128;
    public static final double PREEMPHASIS = 0.97;
    public static final float LOW_FREQ = 20f;
    public static final float HIGH_FREQ = 8000f;
    /** float32 machine epsilon, torchaudio's log floor. */
    public static final float EPSILON = Math.ulp(1.0f);
    /** log(EPSILON) as float: the value of every bin of a silent frame. */
    public static final float LOG_FLOOR = (float) Math.log(EPSILON);

    private static final double[] WINDOW = hann(FRAME_LENGTH);
    private static final int[] FILTER_START = new int[MEL_BINS];
    private static final double[][] FILTER_WEIGHTS = new double[MEL_BINS][];

    static {
        buildMelBanks();
    }

    private final RealFft fft = new RealFft(FFT_SIZE);
    private final double[] frame = new double[FRAME_LENGTH];
    private final double[] power = new double[FFT_SIZE / 2 + 1];

    /** Number of snip-edges frames for a signal of n samples (0 when n &lt; 400). */
    public static int numFrames(int n) {
        return n < FRAME_LENGTH ? 0 : 1 + (n - FRAME_LENGTH) / FRAME_SHIFT;
    }

    /** Fbank of a whole 16 kHz signal: [numFrames][128]. */
    public float[][] compute(float[] wave) {
        int m = numFrames(wave.length);
        float[][] out = new float[m][MEL_BINS];
        for (int i = 0; i < m; i++) {
            frame(wave, i * FRAME_SHIFT, out[i], 0);
        }
        return out;
    }

    /**
     * Computes one frame: samples {@code [start, start+400)} of {@code wave} → 128 log mel energies written at
     * {@code out[outOffset..outOffset+128)}. Samples beyond the end of {@code wave} read as zero.
     */
    public void frame(float[] wave, int start, float[] out, int outOffset) {
        int avail = Math.max(0, Math.min(FRAME_LENGTH, wave.length - start));
        boolean silent = true;
        double sum = 0;
        for (int j = 0; j < avail; j++) {
            float v = wave[start + j];
            if (v != 0f) {
                silent = false;
            }
            frame[j] = v;
            sum += v;
        }
        for (int j = avail; j < FRAME_LENGTH; j++) {
            frame[j] = 0;
        }
        if (silent) {
            // all-zero frame: every mel energy is 0 → floored at eps, exactly as torchaudio
            java.util.Arrays.fill(out, outOffset, outOffset + MEL_BINS, LOG_FLOOR);
            return;
        }
        double mean = sum / FRAME_LENGTH;
        for (int j = 0; j < FRAME_LENGTH; j++) {
            frame[j] -= mean;
        }
        // pre-emphasis from the end backwards, x[-1] = x[0]
        for (int j = FRAME_LENGTH - 1; j > 0; j--) {
            frame[j] -= PREEMPHASIS * frame[j - 1];
        }
        frame[0] -= PREEMPHASIS * frame[0];
        for (int j = 0; j < FRAME_LENGTH; j++) {
            frame[j] *= WINDOW[j];
        }
        fft.powerSpectrum(frame, FRAME_LENGTH, power);
        for (int b = 0; b < MEL_BINS; b++) {
            double[] w = FILTER_WEIGHTS[b];
            int s = FILTER_START[b];
            double e = 0;
            for (int k = 0; k < w.length; k++) {
                e += w[k] * power[s + k];
            }
            float ef = (float) e;
            out[outOffset + b] = (float) Math.log(Math.max(ef, EPSILON));
        }
    }

    private static double[] hann(int size) {
        double[] w = new double[size];
        for (int n = 0; n < size; n++) {
            w[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / (size - 1));
        }
        return w;
    }

    private static float melF(float hz) {
        float a = 1f + hz / 700f;
        return 1127f * (float) Math.log(a);
    }

    /** The HTK mel filterbank in torchaudio's float32 arithmetic, kept sparse. */
    private static void buildMelBanks() {
        int numFftBins = FFT_SIZE / 2; // the Nyquist bin gets weight 0
        double melLow = 1127.0 * Math.log(1.0 + LOW_FREQ / 700.0);
        double melHigh = 1127.0 * Math.log(1.0 + HIGH_FREQ / 700.0);
        double delta = (melHigh - melLow) / (MEL_BINS + 1);
        float binWidth = (float) SAMPLE_RATE / FFT_SIZE;
        float[] mel = new float[numFftBins];
        for (int k = 0; k < numFftBins; k++) {
            mel[k] = melF(binWidth * k);
        }
        for (int b = 0; b < MEL_BINS; b++) {
            float lowF = (float) melLow, deltaF = (float) delta;
            float left = lowF + (float) b * deltaF;
            float centre = lowF + (b + 1f) * deltaF;
            float right = lowF + (b + 2f) * deltaF;
            double[] full = new double[numFftBins];
            int first = -1, last = -1;
            for (int k = 0; k < numFftBins; k++) {
                float up = (mel[k] - left) / (centre - left);
                float down = (right - mel[k]) / (right - centre);
                float v = Math.max(0f, Math.min(up, down));
                full[k] = v;
                if (v > 0) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            if (first < 0) {
                FILTER_START[b] = 0;
                FILTER_WEIGHTS[b] = new double[0];
            } else {
                FILTER_START[b] = first;
                FILTER_WEIGHTS[b] = java.util.Arrays.copyOfRange(full, first, last + 1);
            }
        }
    }

    /** Centre frequency in Hz of mel bin b (HTK scale), for descriptors built on the fbank. */
    public static double centreFrequency(int b) {
        double melLow = 1127.0 * Math.log(1.0 + LOW_FREQ / 700.0);
        double melHigh = 1127.0 * Math.log(1.0 + HIGH_FREQ / 700.0);
        double delta = (melHigh - melLow) / (MEL_BINS + 1);
        double m = melLow + (b + 1.0) * delta;
        return 700.0 * (Math.exp(m / 1127.0) - 1.0);
    }
}
