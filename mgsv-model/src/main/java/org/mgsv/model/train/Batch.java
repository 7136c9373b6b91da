package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.mgsv.core.MgsvException;
import org.mgsv.model.MadeInputs;

/**
 * A batch of pairs as NDArrays: frame features [B, F, Dv], frame mask [B, F], segment features [B, S, Dm],
 * segment mask [B, S], targets [B, 1, 2] (normalised center, width), video durations [B] in seconds (what a
 * center-only model takes as the moment's width). Padded feature slots are zeroed.
 */
public record Batch(List<TrainPair> pairs, NDArray frames, NDArray frameMask, NDArray segments,
        NDArray segmentMask, NDArray targets, NDArray videoDurations) {

    public int size() {
        return pairs.size();
    }

    /** The network's inputs, video durations included (used by center-only models, ignored otherwise). */
    public MadeInputs inputs() {
        return new MadeInputs(frames, frameMask, segments, segmentMask, videoDurations);
    }

    /** Loads the features of {@code pairs} from {@code src} into arrays of {@code m}. */
    public static Batch load(NDManager m, List<TrainPair> pairs, FeatureSource src, int frameSlots, int frameDim,
            int segmentSlots, int segmentDim, double maxDuration) {
        int b = pairs.size();
        // reused host buffers: a step's batch is copied into native memory right away, so the next step may
        // overwrite them (keeps the Java heap from growing by tens of MB of garbage per step)
        float[] fv = buffer(0, b * frameSlots * frameDim);
        float[] fm = buffer(1, b * frameSlots);
        float[] sv = buffer(2, b * segmentSlots * segmentDim);
        float[] sm = buffer(3, b * segmentSlots);
        float[] tg = new float[b * 2];
        float[] du = new float[b];
        for (int i = 0; i < b; i++) {
            TrainPair p = pairs.get(i);
            FeatureSource.Features v = src.video(p.videoId());
            check(v, frameSlots, frameDim, "video " + p.videoId());
            copyMasked(v, fv, fm, i * frameSlots * frameDim, i * frameSlots);
            FeatureSource.Features a = src.music(p.musicId());
            check(a, segmentSlots, segmentDim, "music " + p.musicId());
            copyMasked(a, sv, sm, i * segmentSlots * segmentDim, i * segmentSlots);
            float[] t = p.target(maxDuration);
            tg[2 * i] = t[0];
            tg[2 * i + 1] = t[1];
            du[i] = (float) p.videoDuration();
        }
        return new Batch(pairs,
                owned(m, fv, new Shape(b, frameSlots, frameDim)),
                owned(m, fm, new Shape(b, frameSlots)),
                owned(m, sv, new Shape(b, segmentSlots, segmentDim)),
                owned(m, sm, new Shape(b, segmentSlots)),
                owned(m, tg, new Shape(b, 1, 2)),
                owned(m, du, new Shape(b)));
    }

    /**
     * An array in libtorch-owned memory. DJL creates arrays from Java data over a direct buffer that libtorch
     * uses in place; once that buffer is garbage-collected (a collection may run at any time) tensors still
     * sharing it — autograd saves the inputs of a linear layer — would read freed memory. A clone owns its data.
     */
    static NDArray owned(NDManager m, float[] data, Shape shape) {
        try (NDArray a = m.create(data, shape)) {
            return a.duplicate();
        }
    }

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[4][]);

    /** A zeroed buffer of exactly {@code n} values, reused per thread and slot. */
    private static float[] buffer(int slot, int n) {
        float[][] b = BUFFERS.get();
        if (b[slot] == null || b[slot].length != n) {
            b[slot] = new float[n];
        } else {
            java.util.Arrays.fill(b[slot], 0f);
        }
        return b[slot];
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
