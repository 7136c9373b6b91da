package org.mgsv.synth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Reference points for a synthetic split, computed with the generator's secret maps f_v and f_m known: it shows
 * that the planted structure is there (a sequence oracle finds tracks and moments) and that it is not trivial
 * (the same oracle given one frame instead of the sequence hardly finds the track).
 *
 * <p>Decoding: a feature vector x is mapped back to the latent space by h* = W2⁺(x − b2) (least squares through
 * the linear layer, which also shrinks isotropic noise and style by √(hidden/dim)) and then z = argmin
 * ‖tanh(W1 z + b1) − h*‖² by damped Gauss-Newton. Style, timbre and noise are not known to the oracle.
 *
 * <p>Sequence oracle: for a video of length L and a candidate track, every start s on a grid is scored by
 * comparing, for each music window whose centre the video covers, the mean decoded latent of the frames inside
 * the window with the decoded latent of the window; the track score is the best start's, the predicted moment
 * is [s*, s* + L] in the ground-truth track. Single-frame oracle: the middle frame only, scored by its nearest
 * window of each track.
 */
public final class SynthOracle {
    private final SynthGenerator gen;
    private final Decoder videoDecoder;
    private final Decoder musicDecoder;
    private final int dim;

    public SynthOracle(SynthGenerator gen) {
        this.gen = gen;
        this.dim = gen.config().latentDim();
        this.videoDecoder = new Decoder(gen.videoMap());
        this.musicDecoder = new Decoder(gen.musicMap());
    }

    /** Maps a video's valid frames and a track's valid windows into one space of {@link #dim()} dimensions. */
    public interface Embedding {
        int dim();

        /** [validFrames · dim]. */
        float[] frames(SynthPlan.Row row);

        /** [validWindows · dim]. */
        float[] windows(int track);
    }

    /** The oracle's embedding: both modalities decoded back to the latent space with the secret maps. */
    public Embedding decoding() {
        return new Embedding() {
            @Override
            public int dim() {
                return dim;
            }

            @Override
            public float[] frames(SynthPlan.Row row) {
                return decode(videoDecoder, gen.videoFeatures(row), row.validFrames());
            }

            @Override
            public float[] windows(int track) {
                SynthGenerator.Features f = gen.musicFeatures(track);
                return decode(musicDecoder, f, f.valid());
            }
        };
    }

    /** Figures of one split, in % for recalls and IoU rates, [0, 1] for mIoU. */
    public record Result(
            int queries,
            int tracks,
            double sequenceR1,
            double sequenceR5,
            double sequenceR10,
            double sequenceMiou,
            double singleFrameR1,
            double singleFrameR10,
            double priorStart0Miou,
            double randomR1) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%d queries over %d tracks: sequence R1 %.1f R5 %.1f R10 %.1f SmG mIoU %.3f | "
                            + "single frame R1 %.1f R10 %.1f | prior 'start 0' mIoU %.3f | random R1 %.2f",
                    queries, tracks, sequenceR1, sequenceR5, sequenceR10, sequenceMiou, singleFrameR1,
                    singleFrameR10, priorStart0Miou, randomR1);
        }
    }

    /** The oracle's figures on the first {@code maxQueries} rows of a split against all of the split's tracks. */
    public Result evaluate(SynthPlan.Split split, int maxQueries) {
        return evaluate(gen.plan(), decoding(), split, maxQueries);
    }

    /**
     * Sequence and single-frame matching in the space of {@code emb}, on the first {@code maxQueries} rows of a
     * split against all of the split's tracks.
     */
    public static Result evaluate(SynthPlan plan, Embedding emb, SynthPlan.Split split, int maxQueries) {
        int dim = emb.dim();
        List<SynthPlan.Row> rows = plan.rows(split);
        rows = rows.subList(0, Math.min(maxQueries, rows.size()));
        LinkedHashSet<Integer> trackSet = new LinkedHashSet<>();
        for (SynthPlan.Row r : plan.rows(split)) {
            trackSet.add(r.track());
        }
        List<Integer> tracks = new ArrayList<>(trackSet);
        List<float[]> decodedTracks = new ArrayList<>();
        List<Double> durations = new ArrayList<>();
        for (int t : tracks) {
            decodedTracks.add(emb.windows(t));
            durations.add(plan.track(t).durationMs() / 1000.0);
        }
        int[] seqRank = new int[rows.size()];
        int[] sfRank = new int[rows.size()];
        double iouSum = 0;
        double priorSum = 0;
        for (int q = 0; q < rows.size(); q++) {
            SynthPlan.Row row = rows.get(q);
            int n = row.validFrames();
            float[] zv = emb.frames(row);
            double[] offsets = new double[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = SynthGenerator.frameMusicTime(row, i) - row.musicStartMs() / 1000.0;
            }
            double len = row.lengthMs() / 1000.0;
            int gt = tracks.indexOf(row.track());
            double[] seqScore = new double[tracks.size()];
            double[] sfScore = new double[tracks.size()];
            double bestStartGt = 0;
            float[] mid = java.util.Arrays.copyOfRange(zv, (n / 2) * dim, (n / 2) * dim + dim);
            for (int m = 0; m < tracks.size(); m++) {
                float[] zm = decodedTracks.get(m);
                double dur = durations.get(m);
                double[] best = bestStart(dim, zv, offsets, n, zm, dur, len, m == gt ? 0.5 : 1.0);
                seqScore[m] = best[0];
                if (m == gt) {
                    bestStartGt = best[1];
                }
                sfScore[m] = -nearestWindow(dim, mid, zm, zm.length / dim);
            }
            seqRank[q] = rank(seqScore, gt);
            sfRank[q] = rank(sfScore, gt);
            double gtSt = row.musicStartMs() / 1000.0;
            double gtEd = row.musicEndMs() / 1000.0;
            iouSum += iou(bestStartGt, bestStartGt + len, gtSt, gtEd);
            priorSum += iou(0, len, gtSt, gtEd);
        }
        int nq = rows.size();
        return new Result(nq, tracks.size(), recall(seqRank, 1), recall(seqRank, 5), recall(seqRank, 10),
                iouSum / nq, recall(sfRank, 1), recall(sfRank, 10), priorSum / nq, 100.0 / tracks.size());
    }

    static double iou(double a0, double a1, double b0, double b1) {
        double inter = Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
        double union = Math.max(a1, b1) - Math.min(a0, b0);
        return union <= 0 ? 0 : inter / union;
    }

    private static int rank(double[] scores, int gt) {
        int r = 0;
        for (int i = 0; i < scores.length; i++) {
            if (i != gt && scores[i] > scores[gt]) {
                r++;
            }
        }
        return r;
    }

    private static double recall(int[] ranks, int k) {
        int hit = 0;
        for (int r : ranks) {
            hit += r < k ? 1 : 0;
        }
        return 100.0 * hit / ranks.length;
    }

    private static double nearestWindow(int dim, float[] z, float[] zm, int windows) {
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < windows; j++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double e = z[k] - zm[j * dim + k];
                s += e * e;
            }
            best = Math.min(best, s);
        }
        return best;
    }

    /** {score, start}: the best start on a grid of {@code step} s, score = −weighted mean squared distance. */
    private static double[] bestStart(int dim, float[] zv, double[] offsets, int n, float[] zm, double dur, double len,
            double step) {
        double[] prefix = new double[(n + 1) * dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                prefix[(i + 1) * dim + k] = prefix[i * dim + k] + zv[i * dim + k];
            }
        }
        int windows = zm.length / dim;
        double free = Math.max(0, dur - len);
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestS = 0;
        double lastOffset = offsets[n - 1];
        for (double s = 0; s <= free + 1e-9; s += step) {
            double err = 0;
            int weight = 0;
            int jFirst = (int) Math.ceil(s / LatentTrack.STEP - 1e-9);
            int lo = 0;
            for (int j = jFirst; j < windows && j * LatentTrack.STEP <= s + lastOffset + 1e-9; j++) {
                double c = j * LatentTrack.STEP;
                while (lo < n && s + offsets[lo] < c - LatentTrack.HALF_WINDOW - 1e-9) {
                    lo++;
                }
                int hi = lo;
                while (hi < n && s + offsets[hi] <= c + LatentTrack.HALF_WINDOW + 1e-9) {
                    hi++;
                }
                int cnt = hi - lo;
                if (cnt == 0) {
                    continue;
                }
                double e2 = 0;
                for (int k = 0; k < dim; k++) {
                    double mean = (prefix[hi * dim + k] - prefix[lo * dim + k]) / cnt;
                    double e = mean - zm[j * dim + k];
                    e2 += e * e;
                }
                err += cnt * e2;
                weight += cnt;
            }
            if (weight > 0) {
                double score = -err / weight;
                if (score > bestScore) {
                    bestScore = score;
                    bestS = s;
                }
            }
        }
        return new double[] {bestScore, bestS};
    }

    /** Decoded latents of the first {@code n} rows of {@code f}, [n·D]. */
    private float[] decode(Decoder decoder, SynthGenerator.Features f, int n) {
        float[] z = new float[n * dim];
        for (int i = 0; i < n; i++) {
            decoder.decode(f.values(), i * f.dim(), z, i * dim);
        }
        return z;
    }

    /** Inverts one {@link RandomMlp}: pseudo-inverse of the output layer, then Gauss-Newton on the tanh layer. */
    static final class Decoder {
        private final RandomMlp f;
        private final double[] pinv2; // [hidden][out]
        private final double[] pinv1; // [in][hidden]

        Decoder(RandomMlp f) {
            this.f = f;
            int h = f.hiddenDim();
            int o = f.outputDim();
            int d = f.inputDim();
            pinv2 = pseudoInverse(f.w2, o, h);
            pinv1 = pseudoInverse(f.w1, h, d);
        }

        /** pinv of a [rows][cols] matrix with rows ≥ cols: (AᵀA)⁻¹Aᵀ, [cols][rows]. */
        static double[] pseudoInverse(float[] a, int rows, int cols) {
            double[] g = new double[cols * cols];
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += (double) a[r * cols + i] * a[r * cols + j];
                    }
                    g[i * cols + j] = s;
                }
            }
            double[] inv = invert(g, cols);
            double[] p = new double[cols * rows];
            for (int i = 0; i < cols; i++) {
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) {
                        s += inv[i * cols + j] * a[r * cols + j];
                    }
                    p[i * rows + r] = s;
                }
            }
            return p;
        }

        /** Gauss-Jordan inverse with partial pivoting (small symmetric positive definite matrices). */
        static double[] invert(double[] m, int n) {
            double[] a = m.clone();
            double[] inv = new double[n * n];
            for (int i = 0; i < n; i++) {
                inv[i * n + i] = 1;
            }
            for (int c = 0; c < n; c++) {
                int p = c;
                for (int r = c + 1; r < n; r++) {
                    if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) {
                        p = r;
                    }
                }
                if (p != c) {
                    for (int k = 0; k < n; k++) {
                        double t = a[c * n + k];
                        a[c * n + k] = a[p * n + k];
                        a[p * n + k] = t;
                        t = inv[c * n + k];
                        inv[c * n + k] = inv[p * n + k];
                        inv[p * n + k] = t;
                    }
                }
                double piv = a[c * n + c];
                if (Math.abs(piv) < 1e-300) {
                    throw new IllegalStateException("singular matrix");
                }
                for (int k = 0; k < n; k++) {
                    a[c * n + k] /= piv;
                    inv[c * n + k] /= piv;
                }
                for (int r = 0; r < n; r++) {
                    if (r != c) {
                        double fct = a[r * n + c];
                        if (fct != 0) {
                            for (int k = 0; k < n; k++) {
                                a[r * n + k] -= fct * a[c * n + k];
                                inv[r * n + k] -= fct * inv[c * n + k];
                            }
                        }
                    }
                }
            }
            return inv;
        }

        void decode(float[] x, int xOff, float[] z, int zOff) {
            int h = f.hiddenDim();
            int o = f.outputDim();
            int d = f.inputDim();
            double[] target = new double[h];
            for (int j = 0; j < h; j++) {
                double s = 0;
                for (int r = 0; r < o; r++) {
                    s += pinv2[j * o + r] * (x[xOff + r] - f.b2[r]);
                }
                target[j] = s;
            }
            // initial guess: linear inversion of the clipped tanh layer
            double[] zz = new double[d];
            for (int k = 0; k < d; k++) {
                double s = 0;
                for (int j = 0; j < h; j++) {
                    double t = Math.max(-0.95, Math.min(0.95, target[j]));
                    s += pinv1[k * h + j] * (atanh(t) - f.b1[j]);
                }
                zz[k] = s;
            }
            double[] jac = new double[h * d];
            double[] res = new double[h];
            for (int it = 0; it < 8; it++) {
                for (int j = 0; j < h; j++) {
                    double a = f.b1[j];
                    for (int k = 0; k < d; k++) {
                        a += f.w1[j * d + k] * zz[k];
                    }
                    double th = Math.tanh(a);
                    res[j] = th - target[j];
                    double sech2 = 1 - th * th;
                    for (int k = 0; k < d; k++) {
                        jac[j * d + k] = sech2 * f.w1[j * d + k];
                    }
                }
                double[] jtj = new double[d * d];
                double[] jtr = new double[d];
                for (int k = 0; k < d; k++) {
                    for (int l = 0; l < d; l++) {
                        double s = 0;
                        for (int j = 0; j < h; j++) {
                            s += jac[j * d + k] * jac[j * d + l];
                        }
                        jtj[k * d + l] = s;
                    }
                    double s = 0;
                    for (int j = 0; j < h; j++) {
                        s += jac[j * d + k] * res[j];
                    }
                    jtr[k] = s;
                }
                double trace = 0;
                for (int k = 0; k < d; k++) {
                    trace += jtj[k * d + k];
                }
                for (int k = 0; k < d; k++) {
                    jtj[k * d + k] += 1e-2 * trace / d + 1e-9;
                }
                double[] inv = invert(jtj, d);
                for (int k = 0; k < d; k++) {
                    double s = 0;
                    for (int l = 0; l < d; l++) {
                        s += inv[k * d + l] * jtr[l];
                    }
                    zz[k] -= s;
                }
            }
            for (int k = 0; k < d; k++) {
                z[zOff + k] = (float) zz[k];
            }
        }

        private static double atanh(double t) {
            return 0.5 * Math.log((1 + t) / (1 - t));
        }
    }
}
