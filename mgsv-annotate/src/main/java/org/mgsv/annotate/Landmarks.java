package org.mgsv.annotate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mgsv.media.audio.RealFft;

/**
 * Spectral-peak landmarks (Wang 2003, as in audfprint): the log power spectrogram of 11,025 Hz mono audio
 * (512-point Hann STFT, hop 256 = 23.2 ms), whitened per frequency bin by its running mean over ±1 s (so gain
 * and EQ changes cancel), local maxima over ±{@value #PEAK_DT} frames × ±{@value #PEAK_DF} bins kept at a target
 * density (the strongest per second), and each peak paired with the next {@code fanout} peaks of its target zone
 * (1..{@value #MAX_DT} frames later, within ±{@value #MAX_DF} bins). A pair hashes to 20 bits
 * {@code f1(8) | f2−f1(6) | dt(6)}, kept with the anchor's frame.
 */
public final class Landmarks {
    public static final int SAMPLE_RATE = 11025;
    public static final int NFFT = 512;
    public static final int HOP = 256;
    public static final int BINS = NFFT / 2 + 1;
    public static final double FRAME_SECONDS = (double) HOP / SAMPLE_RATE;
    public static final int HASH_BITS = 20;
    static final int MAX_DT = 63;
    static final int MAX_DF = 31;
    static final int PEAK_DT = 3;
    static final int PEAK_DF = 5;
    static final int MIN_BIN = 3;
    static final int MAX_BIN = 255;
    /** Power floor (about −90 dB of a full-scale sine): digital silence has no peaks. */
    static final float LOG_FLOOR = (float) Math.log(1e-9);
    private static final int WHITEN = 43;
    private static final int WHITEN_BLOCK = 16;
    /** Peak quota bands (bins): about 65–690 Hz, –1.4 kHz, –2.8 kHz, –5.5 kHz. */
    private static final int[] BAND_EDGES = {MIN_BIN, 32, 64, 128, MAX_BIN + 1};

    /** Peak density (peaks per second) and pairs per anchor. */
    public record Params(double peaksPerSecond, int fanout) {}

    /** What the library is indexed with. */
    public static final Params INDEX = new Params(30, 8);
    /**
     * Queries use denser peaks (as audfprint does) and a wider fan-out (their extra peaks sit between the ones
     * the index kept), so speech over the music still leaves enough shared pairs.
     */
    public static final Params QUERY = new Params(60, 20);

    /** The landmarks of one signal: parallel arrays of 20-bit hashes and anchor frames, and the frame count. */
    public record Prints(int[] hashes, int[] times, int frames) {
        public int size() {
            return hashes.length;
        }
    }

    /** Peaks as parallel arrays (frame, bin), sorted by frame then bin. */
    public record Peaks(int[] t, int[] f, int frames) {}

    private Landmarks() {}

    /** Landmarks of mono {@code x} at {@link #SAMPLE_RATE}. */
    public static Prints of(float[] x, Params p) {
        return grid(x, p, 0);
    }

    /** Landmarks of {@code x} on the frame grid that starts at sample {@code from}. */
    private static Prints grid(float[] x, Params p, int from) {
        return grid(x, p, from, null);
    }

    /** {@link #grid(float[], Params, int)}, its spectrogram kept in {@code keep[0]} when {@code keep} is given. */
    private static Prints grid(float[] x, Params p, int from, float[][][] keep) {
        float[][] s = logSpectrogram(x, NFFT, HOP, from, -1);
        if (keep != null) {
            keep[0] = s;
        }
        return pair(peaks(s, p.peaksPerSecond()), p.fanout());
    }

    /**
     * Landmarks of {@code x} analysed {@code shifts} times on frame grids moved by {@code HOP / shifts} samples
     * (as audfprint's query shifts): a peak that falls between two frames of one grid is found on another, so a
     * noisy query keeps more of the landmarks the index holds. Anchor frames are on the unshifted grid (rounded);
     * the same landmark found twice is counted once by the vote.
     */
    public static Prints shifted(float[] x, Params p, int shifts) {
        return shifted(x, p, shifts, null);
    }

    /**
     * {@link #shifted(float[], Params, int)} with the later half of the grids analysed on {@code helpers} (null:
     * all on the calling thread) while the caller does the first half; the same landmarks either way.
     */
    public static Prints shifted(float[] x, Params p, int shifts, ExecutorService helpers) {
        return shifted(x, p, shifts, helpers, null);
    }

    /**
     * {@link #shifted(float[], Params, int, ExecutorService)} that also hands out the unshifted grid's log
     * spectrogram ({@link #logSpectrogram} of {@code x} from sample 0, all frames) in {@code grid0[0]}, for a caller
     * that needs it too (null: not kept).
     */
    public static Prints shifted(float[] x, Params p, int shifts, ExecutorService helpers, float[][][] grid0) {
        if (shifts <= 1) {
            return grid(x, p, 0, grid0);
        }
        List<Future<Prints>> later = new ArrayList<>();
        int mine = helpers == null ? shifts : (shifts + 1) / 2;
        for (int s = mine; s < shifts; s++) {
            int from = s * HOP / shifts;
            later.add(helpers.submit(() -> grid(x, p, from)));
        }
        List<Prints> all = new ArrayList<>();
        int n = 0, frames = 0;
        for (int s = 0; s < shifts; s++) {
            Prints q = s < mine ? grid(x, p, s * HOP / shifts, s == 0 ? grid0 : null)
                    : Parallel.join(later.get(s - mine));
            all.add(q);
            n += q.size();
            frames = Math.max(frames, q.frames());
        }
        int[] h = new int[n], t = new int[n];
        int k = 0;
        for (int s = 0; s < shifts; s++) {
            Prints q = all.get(s);
            System.arraycopy(q.hashes(), 0, h, k, q.size());
            // frame i of shift s starts at i·HOP + s·HOP/shifts: nearer frame i+1 from half a hop on
            int bump = 2 * s >= shifts ? 1 : 0;
            for (int i = 0; i < q.size(); i++) {
                t[k + i] = q.times()[i] + bump;
            }
            k += q.size();
        }
        return new Prints(h, t, frames);
    }

    /**
     * The log power spectrogram {@code [frames][n/2+1]} of {@code x} from sample {@code start} (negative: zeros
     * before the signal) with an n-point Hann window and the given hop, power normalised so a full-scale sine
     * peaks near 0.25, floored at {@link #LOG_FLOOR}. {@code frames < 0}: as many as fit in x.
     */
    public static float[][] logSpectrogram(float[] x, int n, int hop, long start, int frames) {
        return spectrogram(x, n, hop, start, frames, true);
    }

    /** {@link #logSpectrogram} without the log: the normalised power, floored at {@code exp(LOG_FLOOR)}. */
    public static float[][] powerSpectrogram(float[] x, int n, int hop, long start, int frames) {
        return spectrogram(x, n, hop, start, frames, false);
    }

    private static float[][] spectrogram(float[] x, int n, int hop, long start, int frames, boolean log) {
        if (frames < 0) {
            frames = (int) Math.max(0, (x.length - start - n) / hop + 1);
        }
        double[] win = new double[n];
        double wsum = 0;
        for (int i = 0; i < n; i++) {
            win[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
            wsum += win[i];
        }
        double norm = 1.0 / (wsum * wsum);
        RealFft fft = new RealFft(n);
        double[] frame = new double[n];
        double[] power = new double[n / 2 + 1];
        float[][] out = new float[frames][n / 2 + 1];
        double floor = Math.exp(LOG_FLOOR);
        for (int t = 0; t < frames; t++) {
            long s0 = start + (long) t * hop;
            if (s0 >= 0 && s0 + n <= x.length) {
                int o = (int) s0; // the whole frame inside x: no bounds per sample
                for (int i = 0; i < n; i++) {
                    frame[i] = x[o + i] * win[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    long k = s0 + i;
                    frame[i] = k >= 0 && k < x.length ? x[(int) k] * win[i] : 0.0;
                }
            }
            fft.powerSpectrum(frame, n, power);
            float[] row = out[t];
            if (log) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = (float) Math.log(Math.max(floor, power[k] * norm));
                }
            } else {
                for (int k = 0; k < row.length; k++) {
                    row[k] = (float) Math.max(floor, power[k] * norm);
                }
            }
        }
        return out;
    }

    /** Whitened local maxima of a {@link #NFFT}-point log spectrogram, thinned to the target density. */
    public static Peaks peaks(float[][] s, double perSecond) {
        int frames = s.length;
        if (frames == 0) {
            return new Peaks(new int[0], new int[0], 0);
        }
        int bins = s[0].length;
        float[][] w = whiten(s);
        // candidates per block of one second, strongest first, with a quota per octave band so voice-over
        // (most of its energy below 3 kHz) cannot take every peak of a block
        int block = (int) Math.round(1.0 / FRAME_SECONDS);
        int keep = Math.max(BAND_EDGES.length - 1, (int) Math.round(perSecond * block * FRAME_SECONDS));
        int bands = BAND_EDGES.length - 1;
        int[] ct = new int[frames * 8];
        int[] cf = new int[frames * 8];
        int n = 0;
        long[][] cand = new long[bands][block * bins];
        int[] nc = new int[bands];
        for (int b0 = 0; b0 < frames; b0 += block) {
            Arrays.fill(nc, 0);
            int b1 = Math.min(frames, b0 + block);
            for (int t = b0; t < b1; t++) {
                int band = 0;
                for (int f = MIN_BIN; f <= Math.min(MAX_BIN, bins - 2); f++) {
                    while (f >= BAND_EDGES[band + 1]) {
                        band++;
                    }
                    if (isPeak(s, w, t, f)) {
                        float v = w[t][f];
                        // sort key: value (descending) then position
                        int bits = Float.floatToIntBits(v);
                        cand[band][nc[band]++] = ((long) (~bits & 0x7fffffff) << 32) | ((long) (t - b0) << 16) | f;
                    }
                }
            }
            int from = n;
            for (int band = 0; band < bands; band++) {
                Arrays.sort(cand[band], 0, nc[band]);
                int k = Math.min(keep / bands + (band < keep % bands ? 1 : 0), nc[band]);
                if (n + k > ct.length) {
                    ct = Arrays.copyOf(ct, (n + k) * 2);
                    cf = Arrays.copyOf(cf, (n + k) * 2);
                }
                for (int i = 0; i < k; i++) {
                    ct[n] = b0 + (int) ((cand[band][i] >>> 16) & 0xffff);
                    cf[n] = (int) (cand[band][i] & 0xffff);
                    n++;
                }
            }
            sortByTime(ct, cf, from, n);
        }
        return new Peaks(Arrays.copyOf(ct, n), Arrays.copyOf(cf, n), frames);
    }

    private static void sortByTime(int[] t, int[] f, int from, int to) {
        long[] k = new long[to - from];
        for (int i = from; i < to; i++) {
            k[i - from] = ((long) t[i] << 16) | f[i];
        }
        Arrays.sort(k);
        for (int i = from; i < to; i++) {
            t[i] = (int) (k[i - from] >>> 16);
            f[i] = (int) (k[i - from] & 0xffff);
        }
    }

    /**
     * The log spectrogram whitened: each bin less its mean over ±{@value #WHITEN} frames (prefix sums over time, in
     * double), a block of {@value #WHITEN_BLOCK} bins at a time so that each frame's row is read in cache lines.
     */
    static float[][] whiten(float[][] s) {
        int frames = s.length, bins = s[0].length;
        float[][] w = new float[frames][bins];
        double[] prefix = new double[(frames + 1) * WHITEN_BLOCK];
        for (int f0 = 0; f0 < bins; f0 += WHITEN_BLOCK) {
            int nb = Math.min(WHITEN_BLOCK, bins - f0);
            for (int t = 0; t < frames; t++) {
                float[] row = s[t];
                int at = t * WHITEN_BLOCK;
                for (int j = 0; j < nb; j++) {
                    prefix[at + WHITEN_BLOCK + j] = prefix[at + j] + row[f0 + j];
                }
            }
            for (int t = 0; t < frames; t++) {
                int a = Math.max(0, t - WHITEN), b = Math.min(frames, t + WHITEN + 1);
                float[] row = s[t], out = w[t];
                int pa = a * WHITEN_BLOCK, pb = b * WHITEN_BLOCK;
                int len = b - a;
                for (int j = 0; j < nb; j++) {
                    out[f0 + j] = (float) (row[f0 + j] - (prefix[pb + j] - prefix[pa + j]) / len);
                }
            }
        }
        return w;
    }

    /**
     * Whether bin f of frame t is a peak: above zero once whitened ({@code w}), above the floor and both neighbours in
     * the log spectrum {@code s}, and the largest whitened value (ties allowed) of the ±{@value #PEAK_DT} frames ×
     * ±{@value #PEAK_DF} bins around it (clipped at the spectrogram's edges). Frame t is read first, then outwards,
     * so most bins fail within a few values.
     */
    static boolean isPeak(float[][] s, float[][] w, int t, int f) {
        float v = w[t][f];
        float[] sr = s[t];
        if (!(v > 0 && sr[f] > LOG_FLOOR + 1f && sr[f] > sr[f - 1] && sr[f] > sr[f + 1])) {
            return false;
        }
        int f0 = Math.max(0, f - PEAK_DF), f1 = Math.min(sr.length - 1, f + PEAK_DF);
        if (!rowAtMost(w[t], f0, f1, v)) {
            return false;
        }
        for (int d = 1; d <= PEAK_DT; d++) {
            if (t - d >= 0 && !rowAtMost(w[t - d], f0, f1, v)) {
                return false;
            }
            if (t + d < w.length && !rowAtMost(w[t + d], f0, f1, v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean rowAtMost(float[] row, int f0, int f1, float v) {
        for (int g = f0; g <= f1; g++) {
            if (row[g] > v) {
                return false;
            }
        }
        return true;
    }

    /** Pairs each peak with the next {@code fanout} peaks in its target zone. */
    public static Prints pair(Peaks p, int fanout) {
        int n = p.t().length;
        int[] h = new int[n * fanout];
        int[] tm = new int[n * fanout];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int t1 = p.t()[i], f1 = p.f()[i];
            int got = 0;
            for (int j = i + 1; j < n && got < fanout; j++) {
                int dt = p.t()[j] - t1;
                if (dt > MAX_DT) {
                    break;
                }
                int df = p.f()[j] - f1;
                if (dt < 1 || df < -MAX_DF || df > MAX_DF) {
                    continue;
                }
                h[m] = hash(f1, df, dt);
                tm[m] = t1;
                m++;
                got++;
            }
        }
        return new Prints(Arrays.copyOf(h, m), Arrays.copyOf(tm, m), p.frames());
    }

    static int hash(int f1, int df, int dt) {
        return ((f1 & 0xff) << 12) | ((df + 32) << 6) | dt;
    }
}
