package org.mgsv.annotate;

/**
 * Where a track is heard in a query, to a few milliseconds: the query is modelled as the aligned track times a
 * gain that rises from zero (the music starts, or fades in linearly), stays, and falls back to zero (it ends or
 * fades out), plus whatever else the soundtrack holds. Speech and noise do not correlate with the track, so the
 * least-squares fit of that gain to the waveforms is unbiased under voice-over, where a threshold on the spectral
 * similarity is pulled inwards by fades and by speech over the edges.
 *
 * <p>The waveforms are compared directly, so the alignment must hold to a fraction of a period of the music's
 * frequencies: the refined offset is searched again on the samples (±{@value #MAX_LAG} samples around it, the
 * peak interpolated), and the track read at that fractional position. Products of the query and the aligned track
 * are summed in blocks of {@value #BLOCK} samples; each candidate edge and fade length is then scored in O(1) from
 * prefix sums, with the gain that fits best for it. Codecs at 64 kbps keep the waveform below 5 kHz well enough;
 * where the aligned waveforms do not correlate ({@link #MIN_COHERENCE}; a soundtrack of inverted polarity counts
 * as not correlating) the caller keeps its spectral edges.
 */
final class GainEdges {
    /** Samples per block of the gain fit (2.9 ms at 11,025 Hz). */
    static final int BLOCK = 32;
    /** Samples searched on either side of the refined offset. */
    static final int MAX_LAG = 24;
    /** Correlation of the aligned waveforms below which the fit is not used. */
    static final double MIN_COHERENCE = 0.08;
    /** Longest fade fitted, seconds. */
    static final double MAX_FADE = 3.0;
    /** How far inside the spectral edge the edge is sought, seconds. */
    static final double INSIDE = 3.5;
    /** How much of the music beside an edge measures the gain it rises to, seconds. */
    static final double CONTEXT = 4.0;
    /** Most samples of the core the offset search correlates. */
    private static final int SEARCH_SAMPLES = 6 * Landmarks.SAMPLE_RATE;
    /** Edges this many blocks from the query's ends are put at its ends. */
    private static final int SNAP = 3;
    /** Fade lengths are tried in steps of this many blocks. */
    private static final int FADE_STEP = 2;
    /** The coarse grid's step of edges and of fade lengths, blocks. */
    private static final int COARSE = 4;
    private static final int COARSE_FADE = 16;

    /** Heard span [start, end) in query samples, and the correlation of the aligned waveforms over the core. */
    record Edges(double start, double end, double coherence) {}

    private GainEdges() {}

    /**
     * Correlation coefficients of query samples [{@code coreFrom}, {@code coreTo}) with the track at lags
     * −{@value #MAX_LAG}…{@value #MAX_LAG} around {@code base} (query sample 0 aligned with track sample base).
     */
    static double[] lagCorrelations(float[] query, float[] track, long base, int coreFrom, int coreTo) {
        double[] rho = new double[2 * MAX_LAG + 1];
        int len = coreTo - coreFrom;
        // the track over the core and the lags, zeros outside the excerpt
        float[] seg = Matcher.slice(track, base + coreFrom - MAX_LAG, len + 2 * MAX_LAG);
        double qq = 0;
        for (int i = coreFrom; i < coreTo; i++) {
            qq += (double) query[i] * query[i];
        }
        double xx = 0;
        for (int i = 0; i < len; i++) {
            xx += (double) seg[i] * seg[i];
        }
        for (int l = 0; l <= 2 * MAX_LAG; l++) {
            if (l > 0) { // the energy of the window one sample later
                xx += (double) seg[l + len - 1] * seg[l + len - 1] - (double) seg[l - 1] * seg[l - 1];
            }
            float qx = 0; // float partial sums in blocks, accumulated in double
            double acc = 0;
            for (int i = 0; i < len; i++) {
                qx += query[coreFrom + i] * seg[l + i];
                if ((i & 255) == 255) {
                    acc += qx;
                    qx = 0;
                }
            }
            acc += qx;
            rho[l] = qq > 0 && xx > 0 ? acc / Math.sqrt(qq * xx) : 0;
        }
        return rho;
    }

    /**
     * The stretch [from, to) of a query of {@code n} samples the waveforms are correlated over: the core clipped to
     * the query and, when longer than 6 s ({@code SEARCH_SAMPLES}), its middle that long; null when under
     * {@code 8 * BLOCK} samples.
     */
    private static int[] core(int n, int coreFrom, int coreTo) {
        coreFrom = Math.max(0, coreFrom);
        coreTo = Math.min(n, coreTo);
        if (coreTo - coreFrom < 8 * BLOCK) {
            return null;
        }
        if (coreTo - coreFrom > SEARCH_SAMPLES) {
            int mid = (coreFrom + coreTo) / 2;
            coreFrom = mid - SEARCH_SAMPLES / 2;
            coreTo = coreFrom + SEARCH_SAMPLES;
        }
        return new int[] {coreFrom, coreTo};
    }

    /** The largest of {@link #lagCorrelations}: how well the aligned waveforms agree over the core. */
    static double coherence(float[] query, float[] track, double pos, int coreFrom, int coreTo) {
        int[] core = core(query.length, coreFrom, coreTo);
        if (core == null) {
            return 0;
        }
        double best = 0;
        for (double r : lagCorrelations(query, track, Math.round(pos), core[0], core[1])) {
            best = Math.max(best, r);
        }
        return best;
    }

    /**
     * Fits the heard span of {@code track} in {@code query}.
     *
     * @param query the query's samples
     * @param track a window of the track's samples
     * @param pos position in {@code track} aligned with query sample 0 (fractional)
     * @param coreFrom first query sample of a stretch where the track is surely heard
     * @param coreTo end of that stretch (exclusive)
     * @param start the span's start as found on the spectra, query samples
     * @param end the span's end as found on the spectra, query samples
     * @return the fitted span, or null when the waveforms do not correlate well enough
     */
    static Edges find(float[] query, float[] track, double pos, int coreFrom, int coreTo, double start, double end) {
        int n = query.length;
        int[] core = core(n, coreFrom, coreTo);
        if (core == null) {
            return null;
        }
        coreFrom = core[0];
        coreTo = core[1];
        long base = Math.round(pos);
        double[] rho = lagCorrelations(query, track, base, coreFrom, coreTo);
        int best = 0;
        for (int i = 1; i < rho.length; i++) {
            if (rho[i] > rho[best]) {
                best = i;
            }
        }
        double coherence = rho[best];
        if (coherence < MIN_COHERENCE || best == 0 || best == rho.length - 1) {
            return null; // no clear peak inside the searched lags
        }
        double a = rho[best - 1], b = rho[best], c = rho[best + 1];
        double den = a - 2 * b + c;
        double frac = den != 0 ? Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / den)) : 0;
        double p = base + (best - MAX_LAG) + frac;
        // block sums of query × aligned track and of the aligned track's energy
        int nb = (n + BLOCK - 1) / BLOCK; // the last block may be partial
        if (nb < 4) {
            return null;
        }
        double[] sp = new double[nb + 1];
        double[] se = new double[nb + 1];
        double[] sbp = new double[nb + 1];
        double[] sbe = new double[nb + 1];
        double[] sbbe = new double[nb + 1];
        long ip = (long) Math.floor(p);
        double f = p - ip;
        for (int bl = 0; bl < nb; bl++) {
            double pq = 0, ee = 0;
            for (int i = bl * BLOCK, to = Math.min(n, (bl + 1) * BLOCK); i < to; i++) {
                double x = cubic(track, ip + i, f);
                pq += query[i] * x;
                ee += x * x;
            }
            double u = bl + 0.5;
            sp[bl + 1] = sp[bl] + pq;
            se[bl + 1] = se[bl] + ee;
            sbp[bl + 1] = sbp[bl] + u * pq;
            sbe[bl + 1] = sbe[bl] + u * ee;
            sbbe[bl + 1] = sbbe[bl] + u * u * ee;
        }
        Sums s = new Sums(sp, se, sbp, sbe, sbbe);
        int maxFade = (int) Math.round(MAX_FADE * Landmarks.SAMPLE_RATE / BLOCK);
        int inside = (int) Math.round(INSIDE * Landmarks.SAMPLE_RATE / BLOCK);
        int context = (int) Math.round(CONTEXT * Landmarks.SAMPLE_RATE / BLOCK);
        int sb = (int) Math.max(0, Math.min(nb, Math.round(start / BLOCK)));
        int eb = (int) Math.max(0, Math.min(nb, Math.round(end / BLOCK)));
        if (eb - sb < 8) {
            return null;
        }
        // the start: gain 0 before block t, a ramp over f blocks, then a constant up to the context's end; the
        // end, mirrored: a constant from the context's start, a ramp over f blocks ending at block e. Each on a
        // coarse grid of (edge, fade), then every pair around the best
        int hiS = Math.min(nb, Math.min(eb, sb + context));
        int loE = Math.max(0, Math.max(sb, eb - context));
        int bestT = fit(s, true, 0, Math.min(sb + inside, hiS - 4), hiS, maxFade, sb);
        int bestE = fit(s, false, Math.max(eb - inside, loE + 4), nb, loE, maxFade, eb);
        // an edge within SNAP blocks of the query's first or last sample is that sample (the music was already
        // playing when the video starts, or still playing when it ends)
        double startSample = bestT <= SNAP ? 0 : bestT * (double) BLOCK;
        double endSample = bestE >= nb - SNAP ? n : bestE * (double) BLOCK;
        if (endSample <= startSample) {
            return null;
        }
        return new Edges(startSample, endSample, coherence);
    }

    /**
     * The edge in [{@code lo}, {@code hi}] (and a fade length up to {@code maxFade}) of least cost: the start
     * ({@code rising}, the model's blocks up to {@code bound}) or the end (the model's blocks from {@code bound});
     * {@code fallback} when the range is empty. A coarse grid first (edges every {@value #COARSE} blocks, fades every
     * {@value #COARSE_FADE}), then every edge and every {@value #FADE_STEP}-th fade around its best.
     */
    private static int fit(Sums s, boolean rising, int lo, int hi, int bound, int maxFade, int fallback) {
        if (hi < lo) {
            return fallback;
        }
        double[] best = {Double.POSITIVE_INFINITY, fallback, 0};
        scan(s, rising, lo, hi, COARSE, 0, maxFade, COARSE_FADE, bound, best);
        int e = (int) best[1], f = (int) best[2];
        scan(s, rising, Math.max(lo, e - COARSE), Math.min(hi, e + COARSE), 1, Math.max(0, f - COARSE_FADE),
                Math.min(maxFade, f + COARSE_FADE), FADE_STEP, bound, best);
        return (int) best[1];
    }

    private static void scan(Sums s, boolean rising, int lo, int hi, int step, int f0, int f1, int fstep, int bound,
            double[] best) {
        for (int x = lo; x <= hi; x += step) {
            for (int f = f0; f <= f1; f += f == 0 && f0 == 0 ? 1 : fstep) {
                if (rising ? x + f > bound - 4 : x - f < bound + 4) {
                    break;
                }
                double cost = rising ? s.rising(x, f, bound) : s.falling(x, f, bound);
                if (cost < best[0]) {
                    best[0] = cost;
                    best[1] = x;
                    best[2] = f;
                }
            }
        }
    }

    /** Prefix sums over blocks of P = Σ q·x and E = Σ x², also weighted by the block centre u and u². */
    private record Sums(double[] p, double[] e, double[] up, double[] ue, double[] uue) {
        /**
         * Least-squares cost (up to a constant) of the gain r(u)·G on blocks [0, hi): r = 0 before t, (u − t)/f on
         * [t, t + f), 1 from t + f; G the best for that shape. Cost = −(Σ r P)² / Σ r² E (0 when the best G ≤ 0).
         */
        double rising(int t, int f, int hi) {
            double rp = p[hi] - p[t + f];
            double re = e[hi] - e[t + f];
            if (f > 0) {
                double sP = p[t + f] - p[t], sUP = up[t + f] - up[t];
                double sE = e[t + f] - e[t], sUE = ue[t + f] - ue[t], sUUE = uue[t + f] - uue[t];
                rp += (sUP - t * sP) / f;
                re += (sUUE - 2.0 * t * sUE + (double) t * t * sE) / ((double) f * f);
            }
            return rp > 0 && re > 0 ? -rp * rp / re : 0;
        }

        /** The mirror of {@link #rising}: on blocks [lo, e), r = 1 before e − f, (e − u)/f on [e − f, e), 0 after. */
        double falling(int e, int f, int lo) {
            double rp = p[e - f] - p[lo];
            double re = this.e[e - f] - this.e[lo];
            if (f > 0) {
                int a = e - f;
                double sP = p[e] - p[a], sUP = up[e] - up[a];
                double sE = this.e[e] - this.e[a], sUE = ue[e] - ue[a], sUUE = uue[e] - uue[a];
                rp += (e * sP - sUP) / f;
                re += ((double) e * e * sE - 2.0 * e * sUE + sUUE) / ((double) f * f);
            }
            return rp > 0 && re > 0 ? -rp * rp / re : 0;
        }
    }

    private static double at(float[] x, long i) {
        return i >= 0 && i < x.length ? x[(int) i] : 0;
    }

    /** Catmull-Rom interpolation of {@code x} at {@code i + f}, 0 ≤ f < 1. */
    private static double cubic(float[] x, long i, double f) {
        double xm = at(x, i - 1), x0 = at(x, i), x1 = at(x, i + 1), x2 = at(x, i + 2);
        return x0 + 0.5 * f * (x1 - xm + f * (2 * xm - 5 * x0 + 4 * x1 - x2 + f * (3 * (x0 - x1) + x2 - xm)));
    }
}
