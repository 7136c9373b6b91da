package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.features.FeatureStore;
import org.mgsv.core.features.MusicFeatures;
import org.mgsv.core.features.VideoFeatures;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.NativeMemory;

/** The rows of an annotation split, reading features from a {@link FeatureStore} chunk by chunk. */
public final class StorePairs implements PairSource {
    private final List<Annotation> rows;
    private final FeatureStore store;
    private final MadeConfig c;

    public StorePairs(List<Annotation> rows, FeatureStore store, MadeConfig config) {
        this.rows = rows;
        this.store = store;
        this.c = config;
        var spec = store.spec();
        if (spec.videoSlots() != c.frameSlots() || spec.videoDim() != c.frameFeatDim()
                || spec.musicSlots() != c.segmentSlots() || spec.musicDim() != c.segmentFeatDim()) {
            throw new MgsvException(store.location() + ": features are video [" + spec.videoSlots() + "," + spec.videoDim()
                    + "] / music [" + spec.musicSlots() + "," + spec.musicDim() + "] but the model expects ["
                    + c.frameSlots() + "," + c.frameFeatDim() + "] / [" + c.segmentSlots() + "," + c.segmentFeatDim() + "]");
        }
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
        int f = c.frameSlots();
        int dim = c.frameFeatDim();
        float[] feats = NativeMemory.hostBuffer(0, idx.length * f * dim);
        float[] mask = NativeMemory.hostBuffer(1, idx.length * f);
        for (int i = 0; i < idx.length; i++) {
            VideoFeatures v = store.video(rows.get(idx[i]).videoId());
            if (v.validCount() == 0) {
                throw new MgsvException(store.location() + ": video " + v.id() + " has no valid frame (mask all 0)");
            }
            v.feats().copyTo(feats, i * f * dim);
            v.mask().copyTo(mask, i * f);
        }
        return new NDArray[] {NativeMemory.owned(m, feats, new Shape(idx.length, f, dim)),
            NativeMemory.owned(m, mask, new Shape(idx.length, f))};
    }

    @Override
    public NDArray[] musics(NDManager m, int[] idx) {
        int s = c.segmentSlots();
        int dim = c.segmentFeatDim();
        float[] feats = NativeMemory.hostBuffer(2, idx.length * s * dim);
        float[] mask = NativeMemory.hostBuffer(3, idx.length * s);
        for (int i = 0; i < idx.length; i++) {
            MusicFeatures mf = store.music(rows.get(idx[i]).musicId());
            if (mf.validCount() == 0) {
                throw new MgsvException(store.location() + ": music " + mf.id() + " has no valid segment (mask all 0)");
            }
            mf.feats().copyTo(feats, i * s * dim);
            mf.mask().copyTo(mask, i * s);
        }
        return new NDArray[] {NativeMemory.owned(m, feats, new Shape(idx.length, s, dim)),
            NativeMemory.owned(m, mask, new Shape(idx.length, s))};
    }

    /** One frame per second of the video segment. */
    @Override
    public int videoLengthHint(int row) {
        Annotation a = rows.get(row);
        return (int) Math.min(c.frameSlots(), Math.max(1, Math.ceil(a.videoEnd() - a.videoStart())));
    }

    /** Segment centres every 2.5 s up to the track duration. */
    @Override
    public int musicLengthHint(int row) {
        Annotation a = rows.get(row);
        return (int) Math.min(c.segmentSlots(), Math.max(1, Math.floor(a.musicTotalDuration() / 2.5) + 1));
    }

    @Override
    public float[] videoDurations(int[] idx) {
        float[] d = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            Annotation a = rows.get(idx[i]);
            d[i] = (float) (a.videoEnd() - a.videoStart());
        }
        return d;
    }
}
