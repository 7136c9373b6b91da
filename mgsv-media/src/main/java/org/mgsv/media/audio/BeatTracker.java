package org.mgsv.media.audio;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beat and downbeat tracking from the onset strength envelope, after Ellis (2007), "Beat Tracking by Dynamic
 * Programming":
 *
 * <ol>
 *   <li>onset strength at 100 frames/s: mean over the 128 log-mel bands ({@link KaldiFbank}, 16 kHz) of the
 *       positive frame-to-frame increase, minus a 1 s moving average, floored at 0;</li>
 *   <li>global tempo: autocorrelation of the envelope for periods 0.25–1.5 s (40–240 BPM), weighted by a
 *       log-Gaussian prior centred at 120 BPM (σ = 1 octave), refined by parabolic interpolation;</li>
 *   <li>beats: dynamic programming maximising Σ onset(beat) − α·Σ log²(gap / period) with α = 100, searching
 *       predecessors between period/2 and 2·period, back-tracked from the best-scoring recent frame; weak beats
 *       at the very start/end (onset below half the mean at beats) are trimmed;</li>
 *   <li>downbeats: assumes 4 beats per bar and picks the bar phase whose beats carry the most low-frequency
 *       (below ~250 Hz) onset energy.</li>
 * </ol>
 *
 * <p>Limits: one global tempo (no tempo changes), 4/4 assumed for downbeats, rubato and very sparse music
 * track poorly.
 */
public final class BeatTracker {
    /** Frames per second of the onset envelope. */
    public static final double FPS = (double) KaldiFbank.SAMPLE_RATE / KaldiFbank.FRAME_SHIFT;
    static final double TIGHTNESS = 100;
    static final double MIN_BPM = 40, MAX_BPM = 240, PRIOR_BPM = 120, PRIOR_OCTAVES = 1.0;
    /** Mel bands whose centre lies below ~250 Hz (bass), for downbeat phase. */
    static final int BASS_BANDS = lowBands(250);

    /** Beat times (s), downbeat times (s, a subset of beats) and the global tempo (BPM). */
    public record Beats(double bpm, double[] beats, double[] downbeats) {}

    private BeatTracker() {}

    /**
     * Seconds of a file whose beats are tracked: the span the 96 music windows cover (where grounded moments
     * lie) plus a minute for moments that run past it. Bounds memory and time whatever the track's length.
     */
    public static final double MAX_SECONDS = AstFrontEnd.DECODE_SECONDS + 60;

    /** Tracks beats of the first {@link #MAX_SECONDS} of an audio file (decoded, down-mixed, at 16 kHz). */
    public static Beats track(Path audio) {
        DecodedAudio a = AudioDecoder.decode(audio, MAX_SECONDS);
        float[] mono = Resampler.resample(a.downmix(), a.sampleRate(), KaldiFbank.SAMPLE_RATE);
        return track(mono);
    }

    /** Tracks beats of a 16 kHz mono signal. */
    public static Beats track(float[] wave16k) {
        int rows = KaldiFbank.numFrames(wave16k.length);
        float[] logMel = new float[rows * KaldiFbank.MEL_BINS];
        KaldiFbank fbank = new KaldiFbank();
        for (int t = 0; t < rows; t++) {
            fbank.frame(wave16k, t * KaldiFbank.FRAME_SHIFT, logMel, t * KaldiFbank.MEL_BINS);
        }
        return trackLogMel(logMel, rows);
    }

    /** Tracks beats from log-mel frames (flat [rows][128], rows at 100 fps, natural-log power). */
    private static Beats trackLogMel(float[] logMel, int rows) {
        double[] onset = onsetStrength(logMel, KaldiFbank.MEL_BINS, rows, 0, KaldiFbank.MEL_BINS);
        if (rows < 3 * FPS) {
            return new Beats(0, new double[0], new double[0]);
        }
        double[] ac = autocorrelation(onset, (int) Math.ceil(60 * FPS / MIN_BPM) + 2);
        double period = bestPeriod(ac, true);
        if (period <= 0) {
            return new Beats(0, new double[0], new double[0]);
        }
        int[] beatFrames = dpBeats(onset, period);
        double[] beats = new double[beatFrames.length];
        for (int i = 0; i < beats.length; i++) {
            beats[i] = beatFrames[i] / FPS + frameCentreOffset();
        }
        double[] bass = onsetStrength(logMel, KaldiFbank.MEL_BINS, rows, 0, BASS_BANDS);
        int phase = 0;
        double best = -1;
        for (int k = 0; k < 4; k++) {
            double s = 0;
            int c = 0;
            for (int i = k; i < beatFrames.length; i += 4) {
                s += peakNear(bass, beatFrames[i], 3);
                c++;
            }
            s = c == 0 ? 0 : s / c;
            if (s > best + 1e-12) {
                best = s;
                phase = k;
            }
        }
        List<Double> down = new ArrayList<>();
        for (int i = phase; i < beats.length; i += 4) {
            down.add(beats[i]);
        }
        return new Beats(60 * FPS / period, beats, down.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Seconds from a frame's start to its centre (frames are 25 ms long). */
    static double frameCentreOffset() {
        return 0.5 * KaldiFbank.FRAME_LENGTH / KaldiFbank.SAMPLE_RATE;
    }

    /**
     * Onset strength per frame of a flat row-major [rows][bins] log-mel array: mean over bands [b0, b1) of
     * max(0, L[t] − L[t−1]), minus its 1 s moving average, floored at 0. Frame 0 is 0.
     */
    public static double[] onsetStrength(float[] flat, int bins, int rows, int b0, int b1) {
        double[] o = new double[rows];
        for (int t = 1; t < rows; t++) {
            double s = 0;
            int c = t * bins, p = c - bins;
            for (int b = b0; b < b1; b++) {
                double d = flat[c + b] - flat[p + b];
                if (d > 0) {
                    s += d;
                }
            }
            o[t] = s / (b1 - b0);
        }
        return detrend(o, (int) FPS);
    }

    private static double[] detrend(double[] o, int win) {
        int n = o.length;
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + o[i];
        }
        double[] out = new double[n];
        int h = win / 2;
        for (int i = 0; i < n; i++) {
            int a = Math.max(0, i - h), b = Math.min(n, i + h + 1);
            double mean = (prefix[b] - prefix[a]) / (b - a);
            out[i] = Math.max(0, o[i] - mean);
        }
        return out;
    }

    /** Autocorrelation r[lag] = Σ x[t]·x[t+lag] of the mean-removed signal, lags 0..maxLag, divided by r[0]. */
    public static double[] autocorrelation(double[] x, int maxLag) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= Math.max(1, n);
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = x[i] - mean;
        }
        int L = Math.min(maxLag, n - 1);
        double[] r = new double[maxLag + 1];
        for (int lag = 0; lag <= L; lag++) {
            double s = 0;
            for (int t = 0; t + lag < n; t++) {
                s += c[t] * c[t + lag];
            }
            r[lag] = s;
        }
        double r0 = r[0];
        if (r0 > 0) {
            for (int lag = 0; lag <= maxLag; lag++) {
                r[lag] /= r0;
            }
        }
        return r;
    }

    /**
     * Beat period in frames from a normalised autocorrelation: the lag in 40–240 BPM maximising r[lag]
     * (times the log-Gaussian tempo prior when {@code prior}), refined by parabolic interpolation; 0 when the
     * envelope has no periodicity.
     */
    public static double bestPeriod(double[] ac, boolean prior) {
        int minLag = (int) Math.floor(60 * FPS / MAX_BPM);
        int maxLag = Math.min(ac.length - 2, (int) Math.ceil(60 * FPS / MIN_BPM));
        int best = -1;
        double bestScore = 0;
        for (int lag = Math.max(2, minLag); lag <= maxLag; lag++) {
            if (ac[lag] <= 0 || ac[lag] < ac[lag - 1] || ac[lag] < ac[lag + 1]) {
                continue;
            }
            double w = 1;
            if (prior) {
                double oct = Math.log(60 * FPS / lag / PRIOR_BPM) / Math.log(2);
                w = Math.exp(-0.5 * (oct / PRIOR_OCTAVES) * (oct / PRIOR_OCTAVES));
            }
            double score = ac[lag] * w;
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        if (best < 0) {
            return 0;
        }
        double a = ac[best - 1], b = ac[best], c = ac[best + 1];
        double denom = a - 2 * b + c;
        double shift = denom == 0 ? 0 : 0.5 * (a - c) / denom;
        return best + Math.max(-0.5, Math.min(0.5, shift));
    }

    /** Dynamic-programming beat frames for an onset envelope and a period (frames). */
    static int[] dpBeats(double[] onset, double period) {
        int n = onset.length;
        // normalise and smooth the envelope with a Gaussian of width ~period/32 frames (at least 1)
        double sd = std(onset);
        double[] local = new double[n];
        double sigma = Math.max(1.0, period / 32);
        int half = (int) Math.ceil(3 * sigma);
        double[] g = new double[2 * half + 1];
        for (int i = -half; i <= half; i++) {
            g[i + half] = Math.exp(-0.5 * (i / sigma) * (i / sigma));
        }
        for (int t = 0; t < n; t++) {
            double s = 0;
            for (int i = -half; i <= half; i++) {
                int u = t + i;
                if (u >= 0 && u < n) {
                    s += g[i + half] * onset[u];
                }
            }
            local[t] = sd > 0 ? s / sd : 0;
        }
        double[] score = new double[n];
        int[] back = new int[n];
        int lo = (int) Math.round(period / 2), hi = (int) Math.round(2 * period);
        for (int t = 0; t < n; t++) {
            double best = Double.NEGATIVE_INFINITY;
            int arg = -1;
            for (int tau = t - hi; tau <= t - lo; tau++) {
                if (tau < 0) {
                    continue;
                }
                double lr = Math.log((t - tau) / period);
                double s = score[tau] - TIGHTNESS * lr * lr;
                if (s > best) {
                    best = s;
                    arg = tau;
                }
            }
            if (arg >= 0 && best > 0) {
                score[t] = local[t] + best;
                back[t] = arg;
            } else {
                score[t] = local[t];
                back[t] = -1;
            }
        }
        // end: the best-scoring frame within the last period
        int end = n - 1;
        double bestEnd = Double.NEGATIVE_INFINITY;
        for (int t = Math.max(0, n - 1 - (int) Math.ceil(period)); t < n; t++) {
            if (score[t] > bestEnd) {
                bestEnd = score[t];
                end = t;
            }
        }
        List<Integer> beats = new ArrayList<>();
        for (int t = end; t >= 0; t = back[t]) {
            beats.add(t);
            if (back[t] < 0) {
                break;
            }
        }
        int[] b = new int[beats.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = beats.get(b.length - 1 - i);
        }
        // trim weak beats at both ends
        double mean = 0;
        for (int t : b) {
            mean += local[t];
        }
        mean /= Math.max(1, b.length);
        int first = 0, last = b.length - 1;
        while (first <= last && local[b[first]] < 0.5 * mean) {
            first++;
        }
        while (last >= first && local[b[last]] < 0.5 * mean) {
            last--;
        }
        return Arrays.copyOfRange(b, first, last + 1);
    }

    private static double peakNear(double[] x, int t, int r) {
        double m = 0;
        for (int i = Math.max(0, t - r); i <= Math.min(x.length - 1, t + r); i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    static double std(double[] x) {
        double m = 0, s = 0;
        for (double v : x) {
            m += v;
        }
        m /= Math.max(1, x.length);
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / Math.max(1, x.length));
    }

    static int lowBands(double hz) {
        int b = 0;
        while (b < KaldiFbank.MEL_BINS && KaldiFbank.centreFrequency(b) < hz) {
            b++;
        }
        return Math.max(1, b);
    }
}
