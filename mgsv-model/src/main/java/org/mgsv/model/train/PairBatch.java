package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.mgsv.core.MgsvException;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.NativeMemory;

/**
 * A batch of pairs as NDArrays: frame features [B, F, Dv], frame mask [B, F], segment features [B, S, Dm],
 * segment mask [B, S], targets [B, 1, 2] (normalised center, width), video durations [B] in seconds (what a
 * center-only model takes as the moment's width). Padded feature slots are zeroed.
 */
public record PairBatch(List<TrainPair> pairs, NDArray frames, NDArray frameMask, NDArray segments,
        NDArray segmentMask, NDArray targets, NDArray videoDurations) {

    public int size() {
        return pairs.size();
    }

    /** The network's inputs, video durations included (used by center-only models, ignored otherwise). */
    public MadeInputs inputs() {
        return new MadeInputs(frames, frameMask, segments, segmentMask, videoDurations);
    }

    /** Loads the features of {@code pairs} from {@code src} into arrays of {@code m}, shaped as {@code c} expects. */
    public static PairBatch load(NDManager m, List<TrainPair> pairs, FeatureSource src, MadeConfig c) {
        int b = pairs.size();
        int frameSlots = c.frameSlots();
        int frameDim = c.frameFeatDim();
        int segmentSlots = c.segmentSlots();
        int segmentDim = c.segmentFeatDim();
        // reused host buffers: a step's batch is copied into native memory right away, so the next step may
        // overwrite them (keeps the Java heap from growing by tens of MB of garbage per step)
        float[] fv = NativeMemory.hostBuffer(4, b * frameSlots * frameDim);
        float[] fm = NativeMemory.hostBuffer(5, b * frameSlots);
        float[] sv = NativeMemory.hostBuffer(6, b * segmentSlots * segmentDim);
        float[] sm = NativeMemory.hostBuffer(7, b * segmentSlots);
        float[] tg = new float[b * 2];
        float[] du = new float[b];
        for (int i = 0; i < b; i++) {
            TrainPair p = pairs.get(i);
            copyRow(src.video(p.videoId()), frameSlots, frameDim, "video " + p.videoId(), fv, fm, i);
            copyRow(src.music(p.musicId()), segmentSlots, segmentDim, "music " + p.musicId(), sv, sm, i);
            float[] t = p.target(c.maxMDuration());
            tg[2 * i] = t[0];
            tg[2 * i + 1] = t[1];
            du[i] = (float) p.videoDuration();
        }
        return new PairBatch(pairs,
                NativeMemory.owned(m, fv, new Shape(b, frameSlots, frameDim)),
                NativeMemory.owned(m, fm, new Shape(b, frameSlots)),
                NativeMemory.owned(m, sv, new Shape(b, segmentSlots, segmentDim)),
                NativeMemory.owned(m, sm, new Shape(b, segmentSlots)),
                NativeMemory.owned(m, tg, new Shape(b, 1, 2)),
                NativeMemory.owned(m, du, new Shape(b)));
    }

    /**
     * Copies one id's features [slots, dim] and mask into row {@code row} of zeroed host arrays [n, slots, dim] and
     * [n, slots], padded slots zeroed.
     *
     * @throws MgsvException naming {@code what} when the features do not have that shape
     */
    static void copyRow(FeatureSource.Features f, int slots, int dim, String what, float[] dst, float[] mdst, int row) {
        check(f, slots, dim, what);
        copyMasked(f, dst, mdst, row * slots * dim, row * slots);
    }

    private static void check(FeatureSource.Features f, int slots, int dim, String what) {
        if (f.slots() != slots || f.dim() != dim || f.mask().length != slots) {
            throw new MgsvException(what + ": features have shape [" + f.slots() + ", " + f.dim() + "], expected ["
                    + slots + ", " + dim + "]");
        }
    }

    private static void copyMasked(FeatureSource.Features f, float[] dst, float[] mdst, int off, int moff) {
        int dim = f.dim();
        for (int s = 0; s < f.slots(); s++) {
            float mk = f.mask()[s];
            mdst[moff + s] = mk;
            if (mk != 0f) {
                for (int d = 0; d < dim; d++) {
                    dst[off + s * dim + d] = f.values()[s * dim + d] * mk;
                }
            }
        }
    }
}
