package org.mgsv.app.quickstart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.eval.PairSource;
import org.mgsv.model.train.FeatureSource;

/**
 * The (video, ground-truth music) pairs of an annotation split, with their features read on demand from a
 * {@link FeatureSource}: what the streamed evaluator consumes. Padded slots are zeroed, as in training.
 */
public final class LayoutPairs implements PairSource {
    private final List<Annotation> rows;
    private final FeatureSource features;
    private final MadeConfig config;

    public LayoutPairs(List<Annotation> rows, FeatureSource features, MadeConfig config) {
        this.rows = List.copyOf(rows);
        this.features = features;
        this.config = config;
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public String musicId(int row) {
        return rows.get(row).musicId();
    }

    @Override
    public NDArray[] videos(NDManager m, int[] idx) {
        return load(m, idx, true, config.frameSlots(), config.frameFeatDim());
    }

    @Override
    public NDArray[] musics(NDManager m, int[] idx) {
        return load(m, idx, false, config.segmentSlots(), config.segmentFeatDim());
    }

    private NDArray[] load(NDManager m, int[] idx, boolean video, int slots, int dim) {
        float[] v = new float[idx.length * slots * dim];
        float[] mask = new float[idx.length * slots];
        for (int i = 0; i < idx.length; i++) {
            Annotation a = rows.get(idx[i]);
            String id = video ? a.videoId() : a.musicId();
            FeatureSource.Features f = video ? features.video(id) : features.music(id);
            if (f.slots() != slots || f.dim() != dim || f.mask().length != slots) {
                throw new MgsvException((video ? "video " : "music ") + id + ": features have shape [" + f.slots()
                        + ", " + f.dim() + "], the model expects [" + slots + ", " + dim + "]");
            }
            for (int s = 0; s < slots; s++) {
                float mk = f.mask()[s];
                mask[i * slots + s] = mk;
                if (mk != 0f) {
                    int src = s * dim;
                    int dst = (i * slots + s) * dim;
                    for (int d = 0; d < dim; d++) {
                        v[dst + d] = f.values()[src + d] * mk;
                    }
                }
            }
        }
        return new NDArray[] {m.create(v, new Shape(idx.length, slots, dim)), m.create(mask, new Shape(idx.length, slots))};
    }
}
