package org.mgsv.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mgsv.model.MadeConfig;

/**
 * Random features of a configuration's shapes for benchmarks: N pairs (video i with music i), values N(0, 1) at
 * valid slots. The valid lengths are drawn as the side-by-side reference benchmark draws its batches (its
 * {@code make_batch}): frames uniform in [8, F], segments uniform in [40, S] (F, S the slot counts; fewer when
 * the configuration has fewer slots), so that mgsv and the reference do the same work now that training leaves
 * the padded slots out. The moment is the video's length (a frame a second) inside a track of 2.5 s a segment.
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
            int nf = uniform(r, Math.min(8, c.frameSlots()), c.frameSlots());
            int ns = uniform(r, Math.min(40, c.segmentSlots()), c.segmentSlots());
            double len = nf;
            double dur = Math.max(len + 1, ns * 2.5);
            double st = r.nextDouble() * (dur - len);
            pairs.add(new TrainPair("v" + i, "m" + i, st, st + len, dur, len, "synthetic " + i));
            videos[i] = random(r, c.frameSlots(), c.frameFeatDim(), nf);
            musics[i] = random(r, c.segmentSlots(), c.segmentFeatDim(), ns);
        }
    }

    private static int uniform(SplittableRandom r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    /** The mean number of valid frames over the pairs. */
    public double meanValidFrames() {
        return meanValid(videos);
    }

    /** The mean number of valid segments over the pairs. */
    public double meanValidSegments() {
        return meanValid(musics);
    }

    private static double meanValid(Features[] fs) {
        double sum = 0;
        for (Features f : fs) {
            for (float m : f.mask()) {
                sum += m;
            }
        }
        return fs.length == 0 ? 0 : sum / fs.length;
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
