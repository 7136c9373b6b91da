package org.mgsv.model.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgsv.core.MgsvException;
import org.mgsv.model.MadeConfig;

/**
 * A small synthetic dataset with planted structure: every track has a latent vector; its videos' frame features
 * are a projection of that latent plus noise, and its segment features another projection plus noise plus a
 * marker direction on the segments (2.5 s windows) inside the annotated moment. A model can therefore learn
 * which track a video belongs to and where the moment is; predicting "start 0" cannot.
 */
final class PlantedData implements FeatureSource {
    static final double STRIDE = 2.5;

    final MadeConfig config;
    final List<TrainPair> train = new ArrayList<>();
    final List<TrainPair> val = new ArrayList<>();
    private final Map<String, Features> videos = new HashMap<>();
    private final Map<String, Features> musics = new HashMap<>();

    /** A tiny configuration: d = 32, one encoder and two decoder layers, light dropout. */
    static MadeConfig tinyConfig() {
        return MadeConfig.builder().dModel(32).frameSlots(12).segmentSlots(24).frameFeatDim(16).segmentFeatDim(24)
                .enhancementHeads(4).enhancementFfnDim(64).enhancementDropout(0.1f).videoPeRows(12).audioPeRows(24)
                .xpoolDropout(0.1f).detrHeads(4).detrFfnDim(64).detrEncoderLayers(1).detrDecoderLayers(2)
                .detrDropout(0.1f).contrastiveDim(32).build();
    }

    PlantedData(MadeConfig c, int tracks, int videosPerTrack, int valTracks, long seed) {
        this.config = c;
        SplittableRandom r = new SplittableRandom(seed);
        int latent = 8;
        float[][] pv = gauss(r, latent, c.frameFeatDim(), 1.0);
        float[][] pm = gauss(r, latent, c.segmentFeatDim(), 1.0);
        float[] marker = gauss(r, 1, c.segmentFeatDim(), 2.0)[0];
        for (int t = 0; t < tracks + valTracks; t++) {
            String mid = "m" + t;
            float[] z = gauss(r, 1, latent, 1.0)[0];
            double dur = 30 + r.nextDouble() * (c.segmentSlots() * STRIDE - 30);
            for (int k = 0; k < videosPerTrack; k++) {
                String vid = "v" + t + "_" + k;
                double len = 5 + r.nextDouble() * Math.min(c.frameSlots() - 5, dur / 3);
                len = Math.min(len, c.frameSlots());
                double st = r.nextDouble() * (dur - len);
                // one music id per pair (the track's latent, this pair's moment marked)
                String pmid = mid + "_" + k;
                TrainPair p = new TrainPair(vid, pmid, st, st + len, dur, len, "planted row " + vid);
                (t < tracks ? train : val).add(p);
                // video: one frame per second of the segment
                int frames = (int) Math.min(c.frameSlots(), Math.floor(len));
                float[] fv = new float[c.frameSlots() * c.frameFeatDim()];
                float[] fm = new float[c.frameSlots()];
                for (int f = 0; f < frames; f++) {
                    fm[f] = 1f;
                    for (int d = 0; d < c.frameFeatDim(); d++) {
                        double v = 0;
                        for (int l = 0; l < latent; l++) {
                            v += z[l] * pv[l][d];
                        }
                        fv[f * c.frameFeatDim() + d] = (float) (v + 0.3 * r.nextGaussian());
                    }
                }
                videos.put(vid, new Features(fv, fm, c.frameSlots(), c.frameFeatDim()));
                float[] sv = new float[c.segmentSlots() * c.segmentFeatDim()];
                float[] sm = new float[c.segmentSlots()];
                for (int s = 0; s < c.segmentSlots(); s++) {
                    double centre = s * STRIDE;
                    if (centre > dur) {
                        continue;
                    }
                    sm[s] = 1f;
                    boolean in = centre >= st && centre <= st + len;
                    for (int d = 0; d < c.segmentFeatDim(); d++) {
                        double v = 0;
                        for (int l = 0; l < latent; l++) {
                            v += z[l] * pm[l][d];
                        }
                        sv[s * c.segmentFeatDim() + d] = (float) (v + 0.3 * r.nextGaussian() + (in ? marker[d] : 0));
                    }
                }
                musics.put(pmid, new Features(sv, sm, c.segmentSlots(), c.segmentFeatDim()));
            }
        }
    }

    private static float[][] gauss(SplittableRandom r, int rows, int cols, double sd) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) (sd * r.nextGaussian());
            }
        }
        return out;
    }

    /** Removes a video's features (to test validation). */
    void dropVideo(String id) {
        videos.remove(id);
    }

    /** Puts a NaN into a music's features (to test validation). */
    void poisonMusic(String id) {
        musics.get(id).values()[3] = Float.NaN;
    }

    @Override
    public Features video(String id) {
        Features f = videos.get(id);
        if (f == null) {
            throw new MgsvException("planted/vit_feature/" + id + ".pt: no such file");
        }
        return f;
    }

    @Override
    public Features music(String id) {
        Features f = musics.get(id);
        if (f == null) {
            throw new MgsvException("planted/ast_feature/" + id + ".pt: no such file");
        }
        return f;
    }

    @Override
    public boolean hasVideo(String id) {
        return videos.containsKey(id);
    }

    @Override
    public boolean hasMusic(String id) {
        return musics.containsKey(id);
    }
}
