package org.mgsv.synth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A learned (not oracle) check that the planted structure can be picked up from the train split alone: both
 * modalities are reduced by fixed random projections to {@code rank} dimensions, a ridge regression learns to
 * predict the projected music window feature at a frame's music time from the projected frame feature (train
 * rows only), and test queries are then matched as in {@link SynthOracle#evaluate(SynthPlan, SynthOracle.Embedding,
 * SynthPlan.Split, int)} with predicted frames against projected windows. A linear map cannot undo the tanh
 * layers, timbre or style, so this is a lower reference point for what a trained model can reach.
 */
public final class LinearProbe implements SynthOracle.Embedding {
    private final SynthGenerator gen;
    private final int rank;
    private final float[] projVideo; // [rank][512]
    private final float[] projMusic; // [rank][768]
    private final double[] weights; // [(rank+1)][rank]
    private final Map<Integer, float[]> windowCache = new HashMap<>();

    /** Fits the probe on the first {@code trainVideos} train rows. */
    public LinearProbe(SynthGenerator gen, int trainVideos, int rank, double ridge) {
        this.gen = gen;
        this.rank = rank;
        SplittableRandom rng = new SplittableRandom(gen.config().seed() ^ 0x51ED2701L);
        projVideo = gaussian(rng, rank * SynthGenerator.FRAME_DIM, 1.0 / Math.sqrt(SynthGenerator.FRAME_DIM));
        projMusic = gaussian(rng, rank * SynthGenerator.MUSIC_DIM, 1.0 / Math.sqrt(SynthGenerator.MUSIC_DIM));
        int p = rank + 1;
        double[] a = new double[p * p];
        double[] b = new double[p * rank];
        List<SynthPlan.Row> rows = gen.plan().rows(SynthPlan.Split.TRAIN);
        double[] u = new double[p];
        for (SynthPlan.Row row : rows.subList(0, Math.min(trainVideos, rows.size()))) {
            float[] frames = projectFrames(row);
            float[] windows = windows(row.track());
            int nw = windows.length / rank;
            for (int i = 0; i < row.validFrames(); i++) {
                for (int k = 0; k < rank; k++) {
                    u[k] = frames[i * rank + k];
                }
                u[rank] = 1;
                int j = (int) Math.round(SynthGenerator.frameMusicTime(row, i) / LatentTrack.STEP);
                j = Math.max(0, Math.min(nw - 1, j));
                for (int x = 0; x < p; x++) {
                    for (int y = x; y < p; y++) {
                        a[x * p + y] += u[x] * u[y];
                    }
                    for (int y = 0; y < rank; y++) {
                        b[x * rank + y] += u[x] * windows[j * rank + y];
                    }
                }
            }
        }
        double trace = 0;
        for (int x = 0; x < p; x++) {
            for (int y = 0; y < x; y++) {
                a[x * p + y] = a[y * p + x];
            }
            trace += a[x * p + x];
        }
        for (int x = 0; x < rank; x++) {
            a[x * p + x] += ridge * trace / p;
        }
        double[] inv = SynthOracle.Decoder.invert(a, p);
        weights = new double[p * rank];
        for (int x = 0; x < p; x++) {
            for (int y = 0; y < rank; y++) {
                double s = 0;
                for (int z = 0; z < p; z++) {
                    s += inv[x * p + z] * b[z * rank + y];
                }
                weights[x * rank + y] = s;
            }
        }
    }

    private static float[] gaussian(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * rng.nextGaussian());
        }
        return v;
    }

    private static float[] project(float[] proj, int rank, float[] x, int rows, int dim) {
        float[] out = new float[rows * rank];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < rank; k++) {
                float s = 0;
                int po = k * dim;
                int xo = r * dim;
                for (int d = 0; d < dim; d++) {
                    s += proj[po + d] * x[xo + d];
                }
                out[r * rank + k] = s;
            }
        }
        return out;
    }

    private float[] projectFrames(SynthPlan.Row row) {
        SynthGenerator.Features f = gen.videoFeatures(row);
        return project(projVideo, rank, f.values(), row.validFrames(), f.dim());
    }

    @Override
    public int dim() {
        return rank;
    }

    @Override
    public float[] frames(SynthPlan.Row row) {
        float[] u = projectFrames(row);
        int n = row.validFrames();
        float[] out = new float[n * rank];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < rank; y++) {
                double s = weights[rank * rank + y];
                for (int x = 0; x < rank; x++) {
                    s += u[i * rank + x] * weights[x * rank + y];
                }
                out[i * rank + y] = (float) s;
            }
        }
        return out;
    }

    @Override
    public synchronized float[] windows(int track) {
        return windowCache.computeIfAbsent(track, t -> {
            SynthGenerator.Features f = gen.musicFeatures(t);
            return project(projMusic, rank, f.values(), f.valid(), f.dim());
        });
    }
}
