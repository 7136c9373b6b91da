package org.mgsv.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mgsv.model.MadeConfig;

/**
 * Random features of a configuration's shapes for benchmarks: N pairs (video i with music i), valid lengths
 * drawn like MGSV-EC's (5–50 s videos, 30–240 s tracks), values N(0, 1) at valid slots.
 */
public final class SyntheticFeatures implements FeatureSource {
    private final MadeConfig c;
    private final List<TrainPair> pairs = new ArrayList<>();
    private final Features[] videos;
    private final Features[] musics;

    public SyntheticFeatures(MadeConfig c, int n, long seed) {
        this.c = c;
        SplittableRandom r = new SplittableRandom(seed);
        videos = new Features[n];
        musics = new Features[n];
        for (int i = 0; i < n; i++) {
            double len = 5 + r.nextDouble() * 45;
            double dur = Math.max(len + 1, 30 + r.nextDouble() * 210);
            double st = r.nextDouble() * (dur - len);
            pairs.add(new TrainPair("v" + i, "m" + i, st, st + len, dur, len, "synthetic " + i));
            int nf = (int) Math.min(c.frameSlots(), Math.max(1, Math.floor(len)));
            int ns = 0;
            while (ns < c.segmentSlots() && ns * 2.5 <= dur) {
                ns++;
            }
            videos[i] = random(r, c.frameSlots(), c.frameFeatDim(), nf);
            musics[i] = random(r, c.segmentSlots(), c.segmentFeatDim(), ns);
        }
    }

    private static Features random(SplittableRandom r, int slots, int dim, int valid) {
        float[] v = new float[slots * dim];
        float[] m = new float[slots];
        for (int s = 0; s < valid; s++) {
            m[s] = 1f;
            for (int d = 0; d < dim; d++) {
                v[s * dim + d] = (float) r.nextGaussian();
            }
        }
        return new Features(v, m, slots, dim);
    }

    public List<TrainPair> pairs() {
        return pairs;
    }

    @Override
    public Features video(String id) {
        return videos[Integer.parseInt(id.substring(1))];
    }

    @Override
    public Features music(String id) {
        return musics[Integer.parseInt(id.substring(1))];
    }
}
