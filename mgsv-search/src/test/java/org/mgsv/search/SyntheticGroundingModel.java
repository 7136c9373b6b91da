package org.mgsv.search;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.search.catalog.TrackRecord;

/**
 * A weight-free stand-in for the MaDe network with the same shapes, for tests and search benchmarks when no
 * trained model is at hand. Towers: fixed random projections (seeded) of the features to d, masked; pooled
 * vectors L2-normalised as MaDe does. Single score: mgsv-model's X-Pool block at its reference initialisation
 * (every projection the identity, biases 0, LayerNorms 1/0). Moments: the window of the video's length centred on the segment most similar to
 * h(v). Its scores mean nothing about music; it exercises every code path at the real cost of the search stage.
 */
public final class SyntheticGroundingModel implements GroundingModel {
    private final int d;
    private final int frames;
    private final int frameDim;
    private final int segs;
    private final int segDim;
    private final float[] pv;
    private final float[] pm;
    private final NDManager manager;
    private final MadeNetwork xpoolNet;

    public SyntheticGroundingModel() {
        this(256, 50, 512, 96, 768, 7L);
    }

    public SyntheticGroundingModel(int d, int frames, int frameDim, int segs, int segDim, long seed) {
        this.d = d;
        this.frames = frames;
        this.frameDim = frameDim;
        this.segs = segs;
        this.segDim = segDim;
        SplittableRandom r = new SplittableRandom(seed);
        this.pv = gaussian(r, d * frameDim, 1.0 / Math.sqrt(frameDim));
        this.pm = gaussian(r, d * segDim, 1.0 / Math.sqrt(segDim));
        this.manager = NDManager.newBaseManager();
        MadeConfig cfg = MadeConfig.builder().dModel(d).frameSlots(frames).segmentSlots(segs).frameFeatDim(frameDim)
                .segmentFeatDim(segDim).videoPeRows(Math.max(frames, 1)).audioPeRows(Math.max(segs, 1)).build();
        // only X-Pool is used: the reference initialisation makes it the identity block
        this.xpoolNet = new MadeNetwork(MadeParams.initialize(cfg, manager, seed));
    }

    private static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // sum of uniforms: cheap, near-Gaussian
            a[i] = (float) ((r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2.0 * scale);
        }
        return a;
    }

    @Override
    public int dim() {
        return d;
    }

    @Override
    public int frameSlots() {
        return frames;
    }

    @Override
    public int frameFeatureDim() {
        return frameDim;
    }

    @Override
    public int segmentSlots() {
        return segs;
    }

    @Override
    public int segmentFeatureDim() {
        return segDim;
    }

    @Override
    public String name() {
        return "synthetic (untrained stand-in)";
    }

    private float[][] project(float[][] x, float[] mask, float[] w, int in) {
        float[][] t = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            t[i] = mask[i] == 0 ? new float[d] : VecMath.matVec(w, d, in, x[i], null);
        }
        return t;
    }

    @Override
    public EncodedVideo encodeVideo(float[][] frameFeatures, float[] mask) {
        float[][] t = project(frameFeatures, mask, pv, frameDim);
        return new EncodedVideo(t, mask.clone(), VecMath.pooled(t, mask));
    }

    @Override
    public EncodedMusic encodeMusic(float[][] segmentFeatures, float[] mask) {
        float[][] t = project(segmentFeatures, mask, pm, segDim);
        return new EncodedMusic(t, mask.clone(), VecMath.pooled(t, mask));
    }

    @Override
    public float[] scoreSingle(float[] hv, List<TrackRecord> tracks) {
        return MadeGroundingModel.singleScores(xpoolNet, manager, hv, tracks);
    }

    @Override
    public Span[] detectMoments(EncodedVideo video, List<TrackRecord> tracks) {
        double videoSeconds = 0;
        for (float m : video.mask()) {
            videoSeconds += m;
        }
        videoSeconds = Math.max(1, videoSeconds);
        Span[] out = new Span[tracks.size()];
        for (int i = 0; i < out.length; i++) {
            TrackRecord t = tracks.get(i);
            int best = 0;
            float bestSim = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < t.segments(); s++) {
                if (t.mask()[s] != 0) {
                    float c = VecMath.cosine(video.hv(), t.tokens()[s]);
                    if (c > bestSim) {
                        bestSim = c;
                        best = s;
                    }
                }
            }
            double centerSec = best * 2.5;
            double score = 1.0 / (1.0 + Math.exp(-5.0 * bestSim));
            out[i] = new Span(centerSec / maxMusicSeconds(), videoSeconds / maxMusicSeconds(), score);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
