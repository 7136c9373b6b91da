package org.mgsv.media.audio;

import java.util.Arrays;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.SegmentEncoder;

/**
 * A weight-free music window encoder ({@code builtin-v1}): 768 hand-crafted descriptors per 10 s fbank window,
 * so the system runs with no model files. It reads only the normalised fbank window (what AST would see), so
 * it shares the reference front end's framing, and it is deterministic (pure arithmetic, no randomness).
 *
 * <p>What the 768 values capture (all over the window's valid frames; padded rows are ignored):
 * <ul>
 *   <li>[0, 128) spectral envelope: mean of each mel band (timbre, brightness, bass/treble balance);</li>
 *   <li>[128, 256) per-band standard deviation over time (how much each band moves);</li>
 *   <li>[256, 352) 32 groups of 4 bands: 10th/50th/90th percentile of the group's level (dynamics per
 *       register);</li>
 *   <li>[352, 448) temporal modulation: 16 groups of 8 bands, energy of the band envelope's modulation spectrum
 *       in 6 octave bands 0.25–16 Hz (slow swells vs. tremolo/rhythmic fluctuation);</li>
 *   <li>[448, 480) mean absolute frame-to-frame change per 4-band group (spectral flux by register);</li>
 *   <li>[480, 487) onset strength envelope (log-mel spectral flux): mean, std, max, median, 90th percentile,
 *       onset peaks per second, fraction of strong frames;</li>
 *   <li>[487, 551) tempogram: onset-envelope autocorrelation maximum in 64 log-spaced tempo bins 40–240 BPM;</li>
 *   <li>[551, 555) tempo (log2 of BPM/120, from {@link BeatTracker#bestPeriod}), beat strength (autocorrelation
 *       at the beat period), its ratio to the half and double periods (metrical clarity);</li>
 *   <li>[555, 571) onset-envelope modulation spectrum, 16 log-spaced bands 0.5–20 Hz (rhythm pattern);</li>
 *   <li>[571, 583) chroma mean, [583, 595) chroma std, [595, 619) chroma mean of each half of the window,
 *       [619, 623) chroma entropy, chroma change rate, best major and minor key-profile correlation
 *       (Krumhansl–Kessler); chroma is approximated from the mel bands between 100 Hz and 5 kHz by spreading
 *       each band's power over the pitch classes it spans;</li>
 *   <li>[623, 631) loudness: frame log-power mean, std, 10/50/90th percentile, max, dynamic range (p90−p10),
 *       fraction of silent frames;</li>
 *   <li>[631, 645) spectral shape: centroid, spread, 85% roll-off, flatness, low (&lt;250 Hz) / mid / high
 *       (&gt;2 kHz) energy share — mean and std over time each;</li>
 *   <li>[645, 661) spectral contrast: 8 groups of 16 bands, (p90 − p10 level within the group) mean and std;</li>
 *   <li>[661, 701) cepstrum: first 20 DCT-II coefficients of the log-mel frame, mean and std over time;</li>
 *   <li>[701, 733) temporal profile: mean level of 8 register groups in each quarter of the window;</li>
 *   <li>[733, 737) onset strength mean in each quarter;</li>
 *   <li>[737, 768) correlation over time of adjacent 4-band group envelopes (31 values: how coherently the
 *       spectrum moves — e.g. broadband drums vs. independent voices).</li>
 * </ul>
 * Every block is scaled by fixed constants so typical values on music fall within about ±3 (blocks of
 * comparable magnitude), then clipped to ±8. Windows with mask 0 give zeros.
 *
 * <p>Limits: these are summary statistics of one 10 s window. They capture timbre, loudness, rhythm/tempo,
 * harmonic colour (coarse chroma — mel bands are a semitone wide only above ~1 kHz, so low notes blur) and
 * their change over the window, but no semantics (genre, mood, instruments, lyrics) beyond what those imply, and
 * they do not live in AST's embedding space: a MaDe model must be trained on them (checkpoints trained on AST
 * features will not work with this encoder).
 */
public final class BuiltinSegmentEncoder implements SegmentEncoder {
    public static final String NAME = "builtin-v1";
    public static final int DIM = 768;
    private static final int BINS = FbankWindows.MEL_BINS;
    private static final double FPS = BeatTracker.FPS;
    /** A padded (zero) row of a normalised window. */
    private static final float PAD = AstFrontEnd.PAD_VALUE;
    /** A silent frame (all bins at the log floor), normalised. */
    private static final float SILENT = (KaldiFbank.LOG_FLOOR - AstFrontEnd.NORM_MEAN) / AstFrontEnd.NORM_DIV;

    private static final double[] KK_MAJOR = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    private static final double[] KK_MINOR = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
    private static final double[][] CHROMA_W = chromaWeights();
    private static final double[][] DCT = dct(20, BINS);
    private static final int LOW_BANDS = BeatTracker.lowBands(250);
    private static final int MID_END = BeatTracker.lowBands(2000);

    @Override
    public int dim() {
        return DIM;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[][] encode(FbankWindows windows) {
        org.mgsv.media.encode.EncoderInputs.checkWindows(windows);
        float[][] out = new float[windows.windows().length][];
        // windows are independent: encode them in parallel (results do not depend on the schedule)
        java.util.stream.IntStream.range(0, out.length).parallel().forEach(s ->
                out[s] = windows.mask()[s] > 0 ? encodeWindow(windows.windows()[s]) : new float[DIM]);
        return out;
    }

    /** Number of leading rows that are not padding. */
    static int validRows(float[] x) {
        int rows = x.length / BINS;
        while (rows > 0) {
            int o = (rows - 1) * BINS;
            boolean pad = true;
            for (int b = 0; b < BINS && pad; b++) {
                pad = x[o + b] == PAD;
            }
            if (!pad) {
                break;
            }
            rows--;
        }
        return rows;
    }

    /** 768 descriptors of one normalised fbank window [1024·128]. */
    public float[] encodeWindow(float[] x) {
        Out o = new Out();
        int n = validRows(x);
        if (n < 8) {
            return new float[DIM];
        }
        RealFft fft = new RealFft(1024);
        double[] fftIn = new double[1024];
        double[] fftPow = new double[513];

        bandMeansAndStds(x, n, o);
        // --- 32 groups of 4 bands: envelopes
        double[][] g32 = groupEnvelopes(x, n, 32);
        groupPercentiles(g32, o);
        // --- modulation spectrum of 16 group envelopes
        groupModulation(groupEnvelopes(x, n, 16), fft, fftIn, fftPow, o);
        groupFlux(g32, n, o);

        // --- onset envelope (natural-log units)
        float[] logMel = logMel(x, n);
        double[] onset = BeatTracker.onsetStrength(logMel, BINS, n, 0, BINS);
        onsetStatistics(onset, n, o);
        tempo(onset, n, fft, fftIn, fftPow, o);
        chroma(logMel, n, o);
        loudnessAndShape(x, logMel, n, o);
        spectralContrast(x, n, o);
        cepstrum(x, n, o);
        temporalProfile(x, n, onset, o);
        coherence(g32, o);
        return o.finish();
    }

    /** [0, 256): the mean and the standard deviation over time of each band. */
    private static void bandMeansAndStds(float[] x, int n, Out o) {
        double[] mean = new double[BINS], sd = new double[BINS];
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < BINS; b++) {
                mean[b] += x[t * BINS + b];
            }
        }
        for (int b = 0; b < BINS; b++) {
            mean[b] /= n;
        }
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < BINS; b++) {
                double d = x[t * BINS + b] - mean[b];
                sd[b] += d * d;
            }
        }
        for (int b = 0; b < BINS; b++) {
            sd[b] = Math.sqrt(sd[b] / n);
            o.add(2 * (mean[b] - 0.2));
        }
        for (int b = 0; b < BINS; b++) {
            o.add(8 * sd[b] - 1);
        }
    }

    /** [256, 352): 10th, 50th and 90th percentile of each 4-band group's level. */
    private static void groupPercentiles(double[][] g32, Out o) {
        for (double[] env : g32) {
            double[] srt = env.clone();
            Arrays.sort(srt);
            o.add(2 * (pct(srt, 0.1) - 0.2));
            o.add(2 * (pct(srt, 0.5) - 0.2));
            o.add(2 * (pct(srt, 0.9) - 0.2));
        }
    }

    /** [352, 448): modulation energy of each 8-band group's envelope in 6 octave bands 0.25–16 Hz. */
    private static void groupModulation(double[][] g16, RealFft fft, double[] fftIn, double[] fftPow, Out o) {
        double[] modEdges = {0.25, 0.5, 1, 2, 4, 8, 16};
        for (double[] env : g16) {
            double[] bands = modulation(env, modEdges, fft, fftIn, fftPow);
            for (double v : bands) {
                o.add(0.5 * (Math.log10(v + 1e-6) + 3));
            }
        }
    }

    /** [448, 480): mean absolute frame-to-frame change of each 4-band group. */
    private static void groupFlux(double[][] g32, int n, Out o) {
        for (double[] env : g32) {
            double s = 0;
            for (int t = 1; t < n; t++) {
                s += Math.abs(env[t] - env[t - 1]);
            }
            o.add(20 * s / (n - 1) - 1);
        }
    }

    /** The valid frames back in log-mel units (natural log). */
    private static float[] logMel(float[] x, int n) {
        float[] logMel = new float[n * BINS];
        for (int i = 0; i < logMel.length; i++) {
            logMel[i] = x[i] * AstFrontEnd.NORM_DIV + AstFrontEnd.NORM_MEAN;
        }
        return logMel;
    }

    /** [480, 487): statistics of the onset envelope, its peaks per second and its strong frames. */
    private static void onsetStatistics(double[] onset, int n, Out o) {
        double[] os = onset.clone();
        Arrays.sort(os);
        double om = avg(onset), osd = BeatTracker.std(onset);
        int peaks = 0, strong = 0;
        for (int t = 1; t + 1 < n; t++) {
            if (onset[t] > onset[t - 1] && onset[t] >= onset[t + 1] && onset[t] > om + osd) {
                peaks++;
            }
            if (onset[t] > om + osd) {
                strong++;
            }
        }
        o.add(4 * om - 1);
        o.add(4 * osd - 1);
        o.add(os[os.length - 1] - 1);
        o.add(4 * pct(os, 0.5) - 1);
        o.add(4 * pct(os, 0.9) - 1);
        o.add(peaks / (n / FPS) / 2 - 1);
        o.add(8 * (double) strong / n - 1);
    }

    /** [487, 571): tempogram, tempo and beat strength, and the onset envelope's modulation spectrum. */
    private static void tempo(double[] onset, int n, RealFft fft, double[] fftIn, double[] fftPow, Out o) {
        int maxLag = Math.min(n - 2, (int) Math.ceil(60 * FPS / BeatTracker.MIN_BPM) + 2);
        double[] ac = BeatTracker.autocorrelation(onset, Math.max(maxLag, 4));
        double lb0 = Math.log(BeatTracker.MIN_BPM), lb1 = Math.log(BeatTracker.MAX_BPM);
        double[] tg = new double[64];
        for (int lag = 1; lag <= maxLag; lag++) {
            double bpm = 60 * FPS / lag;
            if (bpm < BeatTracker.MIN_BPM || bpm > BeatTracker.MAX_BPM) {
                continue;
            }
            int bin = (int) Math.min(63, Math.floor((Math.log(bpm) - lb0) / (lb1 - lb0) * 64));
            tg[bin] = Math.max(tg[bin], ac[lag]);
        }
        for (double v : tg) {
            o.add(3 * v);
        }
        double period = maxLag > 30 ? BeatTracker.bestPeriod(ac, true) : 0;
        if (period > 0) {
            double strength = interp(ac, period);
            o.add(2 * Math.log(60 * FPS / period / 120) / Math.log(2));
            o.add(3 * strength);
            o.add(period / 2 >= 1 ? 3 * (strength - interp(ac, period / 2)) : 0);
            o.add(2 * period < ac.length - 1 ? 3 * (strength - interp(ac, 2 * period)) : 0);
        } else {
            o.add(0);
            o.add(0);
            o.add(0);
            o.add(0);
        }
        double[] rhythm = modulation(onset, logEdges(0.5, 20, 16), fft, fftIn, fftPow);
        for (double v : rhythm) {
            o.add(0.5 * (Math.log10(v + 1e-6) + 2));
        }
    }

    /** Each frame's chroma accumulated over the window: sums, sums of squares, per half, and change. */
    private record ChromaSums(double[] cmean, double[] csq, double[] h1, double[] h2, double change, int halfN) {}

    /** The chroma sums of the window's frames ({@code cmean} already divided by {@code n}). */
    private static ChromaSums chromaSums(float[] logMel, int n) {
        double[] cmean = new double[12], csq = new double[12], h1 = new double[12], h2 = new double[12];
        double[] prevC = null;
        double change = 0;
        double[] c = new double[12];
        int halfN = n / 2;
        for (int t = 0; t < n; t++) {
            Arrays.fill(c, 0);
            for (int b = 0; b < BINS; b++) {
                double[] w = CHROMA_W[b];
                if (w == null) {
                    continue;
                }
                double p = Math.exp(logMel[t * BINS + b]);
                for (int k = 0; k < 12; k++) {
                    c[k] += w[k] * p;
                }
            }
            double sum = 0;
            for (double v : c) {
                sum += v;
            }
            if (sum > 0) {
                for (int k = 0; k < 12; k++) {
                    c[k] /= sum;
                }
            }
            for (int k = 0; k < 12; k++) {
                cmean[k] += c[k];
                csq[k] += c[k] * c[k];
                (t < halfN ? h1 : h2)[k] += c[k];
            }
            if (prevC != null) {
                double d = 0;
                for (int k = 0; k < 12; k++) {
                    d += Math.abs(c[k] - prevC[k]);
                }
                change += d;
            } else {
                prevC = new double[12];
            }
            System.arraycopy(c, 0, prevC, 0, 12);
        }
        for (int k = 0; k < 12; k++) {
            cmean[k] /= n;
        }
        return new ChromaSums(cmean, csq, h1, h2, change, halfN);
    }

    /** [571, 623): chroma mean, std and halves, entropy, change rate and key-profile correlations. */
    private static void chroma(float[] logMel, int n, Out o) {
        ChromaSums sums = chromaSums(logMel, n);
        double[] cmean = sums.cmean(), csq = sums.csq(), h1 = sums.h1(), h2 = sums.h2();
        double change = sums.change();
        int halfN = sums.halfN();
        for (int k = 0; k < 12; k++) {
            o.add(12 * (cmean[k] - 1.0 / 12));
        }
        for (int k = 0; k < 12; k++) {
            double var = Math.max(0, csq[k] / n - cmean[k] * cmean[k]);
            o.add(20 * Math.sqrt(var) - 1);
        }
        for (double[] h : new double[][] {h1, h2}) {
            int cnt = h == h1 ? halfN : n - halfN;
            for (int k = 0; k < 12; k++) {
                o.add(12 * (h[k] / Math.max(1, cnt) - 1.0 / 12));
            }
        }
        double ent = 0;
        for (double v : cmean) {
            if (v > 0) {
                ent -= v * Math.log(v);
            }
        }
        o.add(4 * (ent / Math.log(12) - 0.9));
        o.add(10 * change / n - 1);
        o.add(2 * bestKeyCorrelation(cmean, KK_MAJOR));
        o.add(2 * bestKeyCorrelation(cmean, KK_MINOR));
    }

    /** Per frame: log power, whether silent, and the spectral shape. */
    private record FrameShape(double[] loud, int silent, double[] centroid, double[] spread, double[] rolloff,
            double[] flat, double[] lowS, double[] midS, double[] highS) {}

    /** Loudness and spectral shape of each valid frame. */
    private static FrameShape frameShape(float[] x, float[] logMel, int n) {
        double[] loud = new double[n];
        int silent = 0;
        double[] centroid = new double[n], spread = new double[n], rolloff = new double[n], flat = new double[n];
        double[] lowS = new double[n], midS = new double[n], highS = new double[n];
        double[] pw = new double[BINS];
        for (int t = 0; t < n; t++) {
            double tot = 0, wsum = 0, lsum = 0;
            boolean isSilent = true;
            for (int b = 0; b < BINS; b++) {
                float v = x[t * BINS + b];
                if (v != SILENT) {
                    isSilent = false;
                }
                double p = Math.exp(logMel[t * BINS + b]);
                pw[b] = p;
                tot += p;
                wsum += p * b;
                lsum += logMel[t * BINS + b];
            }
            if (isSilent) {
                silent++;
            }
            loud[t] = Math.log(tot + 1e-10);
            double cen = wsum / (tot + 1e-30);
            double sp = 0, acc = 0;
            int roll = BINS - 1;
            boolean rolled = false;
            double lowE = 0, midE = 0;
            for (int b = 0; b < BINS; b++) {
                sp += pw[b] * (b - cen) * (b - cen);
                acc += pw[b];
                if (!rolled && acc >= 0.85 * tot) {
                    roll = b;
                    rolled = true;
                }
                if (b < LOW_BANDS) {
                    lowE += pw[b];
                } else if (b < MID_END) {
                    midE += pw[b];
                }
            }
            centroid[t] = cen / BINS;
            spread[t] = Math.sqrt(sp / (tot + 1e-30)) / BINS;
            rolloff[t] = (double) roll / BINS;
            flat[t] = Math.exp(lsum / BINS - Math.log(tot / BINS + 1e-30));
            lowS[t] = lowE / (tot + 1e-30);
            midS[t] = midE / (tot + 1e-30);
            highS[t] = 1 - lowS[t] - midS[t];
        }
        return new FrameShape(loud, silent, centroid, spread, rolloff, flat, lowS, midS, highS);
    }

    /** [623, 645): loudness statistics and the spectral shape's mean and std over time. */
    private static void loudnessAndShape(float[] x, float[] logMel, int n, Out o) {
        FrameShape fs = frameShape(x, logMel, n);
        double[] loud = fs.loud();
        int silent = fs.silent();
        double[] centroid = fs.centroid(), spread = fs.spread(), rolloff = fs.rolloff(), flat = fs.flat();
        double[] lowS = fs.lowS(), midS = fs.midS(), highS = fs.highS();
        double[] ls = loud.clone();
        Arrays.sort(ls);
        o.add((avg(loud) - 5) / 3);
        o.add(BeatTracker.std(loud) - 1);
        o.add((pct(ls, 0.1) - 5) / 3);
        o.add((pct(ls, 0.5) - 5) / 3);
        o.add((pct(ls, 0.9) - 5) / 3);
        o.add((ls[ls.length - 1] - 5) / 3);
        o.add((pct(ls, 0.9) - pct(ls, 0.1)) / 2 - 1);
        o.add(4 * (double) silent / n);
        for (double[] f : new double[][] {centroid, spread, rolloff, flat, lowS, midS, highS}) {
            o.add(4 * (avg(f) - 0.25));
            o.add(8 * BeatTracker.std(f));
        }
    }

    /** [645, 661): spectral contrast, 8 groups of 16 bands. */
    private static void spectralContrast(float[] x, int n, Out o) {
        double[] vals = new double[16];
        for (int gi = 0; gi < 8; gi++) {
            double cm = 0, cs = 0;
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < 16; j++) {
                    vals[j] = x[t * BINS + gi * 16 + j];
                }
                Arrays.sort(vals);
                double con = pct(vals, 0.9) - pct(vals, 0.1);
                cm += con;
                cs += con * con;
            }
            cm /= n;
            o.add(4 * cm - 1);
            o.add(8 * Math.sqrt(Math.max(0, cs / n - cm * cm)));
        }
    }

    /** [661, 701): cepstrum (on normalised values), mean and std of the first 20 coefficients. */
    private static void cepstrum(float[] x, int n, Out o) {
        double[] cepM = new double[20], cepS = new double[20];
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < 20; k++) {
                double v = 0;
                double[] d = DCT[k];
                for (int b = 0; b < BINS; b++) {
                    v += d[b] * x[t * BINS + b];
                }
                cepM[k] += v;
                cepS[k] += v * v;
            }
        }
        for (int k = 0; k < 20; k++) {
            cepM[k] /= n;
            o.add(k == 0 ? (cepM[k] - 2) / 3 : 2 * cepM[k]);
        }
        for (int k = 0; k < 20; k++) {
            o.add(4 * Math.sqrt(Math.max(0, cepS[k] / n - cepM[k] * cepM[k])) - 1);
        }
    }

    /** [701, 737): 8 register groups × 4 quarters, onset strength per quarter. */
    private static void temporalProfile(float[] x, int n, double[] onset, Out o) {
        double[][] g8 = groupEnvelopes(x, n, 8);
        for (double[] env : g8) {
            for (int q = 0; q < 4; q++) {
                int a = q * n / 4, b = (q + 1) * n / 4;
                double s = 0;
                for (int t = a; t < b; t++) {
                    s += env[t];
                }
                o.add(2 * (s / Math.max(1, b - a) - 0.2));
            }
        }
        for (int q = 0; q < 4; q++) {
            int a = q * n / 4, b = (q + 1) * n / 4;
            double s = 0;
            for (int t = a; t < b; t++) {
                s += onset[t];
            }
            o.add(4 * s / Math.max(1, b - a) - 1);
        }
    }

    /** [737, 768): coherence of adjacent registers. */
    private static void coherence(double[][] g32, Out o) {
        for (int gi = 0; gi + 1 < 32; gi++) {
            o.add(2 * correlation(g32[gi], g32[gi + 1]) - 1);
        }
    }

    /** Appends values, scaled, clipped to ±8. */
    private static final class Out {
        final float[] v = new float[DIM];
        int i;

        void add(double x) {
            if (i >= DIM) {
                throw new IllegalStateException("more than " + DIM + " descriptors");
            }
            double c = Double.isFinite(x) ? Math.max(-8, Math.min(8, x)) : 0;
            v[i++] = (float) c;
        }

        float[] finish() {
            if (i != DIM) {
                throw new IllegalStateException(i + " descriptors, expected " + DIM);
            }
            return v;
        }
    }

    /** Mean normalised level of {@code groups} equal groups of mel bands, per frame. */
    private static double[][] groupEnvelopes(float[] x, int n, int groups) {
        int w = BINS / groups;
        double[][] env = new double[groups][n];
        for (int t = 0; t < n; t++) {
            for (int g = 0; g < groups; g++) {
                double s = 0;
                for (int j = 0; j < w; j++) {
                    s += x[t * BINS + g * w + j];
                }
                env[g][t] = s / w;
            }
        }
        return env;
    }

    /** Mean power of the mean-removed signal's spectrum (100 frames/s) in the bands between {@code edges} (Hz). */
    private static double[] modulation(double[] env, double[] edges, RealFft fft, double[] in, double[] pow) {
        int n = Math.min(env.length, in.length);
        double m = 0;
        for (int t = 0; t < n; t++) {
            m += env[t];
        }
        m /= n;
        Arrays.fill(in, 0);
        for (int t = 0; t < n; t++) {
            // Hann taper against edge effects
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * (t + 0.5) / n);
            in[t] = (env[t] - m) * w;
        }
        fft.powerSpectrum(in, in.length, pow);
        double df = FPS / in.length;
        double[] out = new double[edges.length - 1];
        for (int e = 0; e + 1 < edges.length; e++) {
            int k0 = (int) Math.ceil(edges[e] / df), k1 = (int) Math.floor(edges[e + 1] / df);
            double s = 0;
            int c = 0;
            for (int k = Math.max(1, k0); k <= Math.min(k1, pow.length - 1); k++) {
                s += pow[k];
                c++;
            }
            out[e] = c == 0 ? 0 : s / c / n;
        }
        return out;
    }

    private static double[] logEdges(double lo, double hi, int bands) {
        double[] e = new double[bands + 1];
        for (int i = 0; i <= bands; i++) {
            e[i] = lo * Math.pow(hi / lo, (double) i / bands);
        }
        return e;
    }

    private static double interp(double[] a, double pos) {
        int i = (int) Math.floor(pos);
        if (i < 0 || i + 1 >= a.length) {
            return 0;
        }
        double f = pos - i;
        return a[i] * (1 - f) + a[i + 1] * f;
    }

    private static double pct(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (sorted[j] - sorted[i]) * (pos - i);
    }

    private static double avg(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / Math.max(1, a.length);
    }

    private static double correlation(double[] a, double[] b) {
        double ma = avg(a), mb = avg(b), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
    }

    private static double bestKeyCorrelation(double[] chroma, double[] profile) {
        double best = -1;
        double[] rot = new double[12];
        for (int key = 0; key < 12; key++) {
            for (int k = 0; k < 12; k++) {
                rot[k] = profile[((k - key) % 12 + 12) % 12];
            }
            best = Math.max(best, correlation(chroma, rot));
        }
        return best;
    }

    /** Pitch-class weights of each mel band (null outside 100 Hz – 5 kHz). Pitch class 0 = C. */
    private static double[][] chromaWeights() {
        double[][] w = new double[BINS][];
        for (int b = 0; b < BINS; b++) {
            double f = KaldiFbank.centreFrequency(b);
            if (f < 100 || f > 5000) {
                continue;
            }
            double fl = b == 0 ? f * 0.9 : KaldiFbank.centreFrequency(b - 1);
            double fh = KaldiFbank.centreFrequency(b + 1 < BINS ? b + 1 : b);
            double width = Math.max(1.0, 12 * Math.log(fh / fl) / Math.log(2) / 2); // semitones, half span
            double pc = 12 * Math.log(f / 440.0) / Math.log(2) + 9;
            double[] row = new double[12];
            double sum = 0;
            for (int k = 0; k < 12; k++) {
                double d = Math.abs(((pc - k) % 12 + 18) % 12 - 6);
                double v = Math.max(0, 1 - d / width);
                row[k] = v;
                sum += v;
            }
            for (int k = 0; k < 12; k++) {
                row[k] /= sum;
            }
            w[b] = row;
        }
        return w;
    }

    /** Orthonormal DCT-II basis rows 0..k-1 over n points. */
    private static double[][] dct(int k, int n) {
        double[][] d = new double[k][n];
        for (int i = 0; i < k; i++) {
            double s = i == 0 ? Math.sqrt(1.0 / n) : Math.sqrt(2.0 / n);
            for (int j = 0; j < n; j++) {
                d[i][j] = s * Math.cos(Math.PI * i * (j + 0.5) / n);
            }
        }
        return d;
    }
}
