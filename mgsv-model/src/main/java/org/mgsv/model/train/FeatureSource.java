package org.mgsv.model.train;

/**
 * Pre-extracted features by id: per-second frame features of a video and per-window segment features of a
 * track, with their validity masks (1 = valid). Values at padded slots are zeroed by the caller.
 */
public interface FeatureSource {
    /** Features of one id: row-major values [slots, dim] and mask [slots]. */
    record Features(float[] values, float[] mask, int slots, int dim) {}

    /** @throws org.mgsv.core.MgsvException naming the file when missing or malformed */
    Features video(String videoId);

    Features music(String musicId);

    /** Whether the files for the id exist (cheap check for up-front validation). */
    default boolean hasVideo(String videoId) {
        return true;
    }

    default boolean hasMusic(String musicId) {
        return true;
    }
}
