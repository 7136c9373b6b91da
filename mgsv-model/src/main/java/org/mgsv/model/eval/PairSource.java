package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The N (video, ground-truth music) pairs of an evaluation split, read on demand in chunks so that memory does
 * not grow with N. Rows are 0..size()-1; the musics to rank are the split's distinct music ids.
 */
public interface PairSource {
    int size();

    /** Music id of a row (rows with the same id share the same track features). */
    String musicId(int row);

    /** {frame_feats [n,F,512], frame_masks [n,F]} of the given rows, float32, attached to {@code m}. */
    NDArray[] videos(NDManager m, int[] rows);

    /** {segment_feats [n,S,768], segment_masks [n,S]} of the given rows, float32, attached to {@code m}. */
    NDArray[] musics(NDManager m, int[] rows);

    /**
     * Approximate number of valid frame slots of a row (-1 = unknown). Used only to group rows of similar
     * length into chunks; the computation itself always uses the real masks.
     */
    default int videoLengthHint(int row) {
        return -1;
    }

    /** Approximate number of valid segment slots of a row's music (-1 = unknown); see {@link #videoLengthHint}. */
    default int musicLengthHint(int row) {
        return -1;
    }

    /** Video durations in seconds for the rows (only used by center-only models); null = number of valid frames. */
    default float[] videoDurations(int[] rows) {
        return null;
    }
}
