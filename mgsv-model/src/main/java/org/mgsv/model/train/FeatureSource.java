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

    /** The features of a dataset's feature store (directory layout or packed store). */
    static FeatureSource of(org.mgsv.core.features.FeatureStore store) {
        return new FeatureSource() {
            @Override
            public Features video(String id) {
                org.mgsv.core.features.VideoFeatures v = store.video(id);
                return new Features(v.feats().toArray(), v.mask().toArray(), v.feats().dim(0), v.feats().dim(1));
            }

            @Override
            public Features music(String id) {
                org.mgsv.core.features.MusicFeatures m = store.music(id);
                return new Features(m.feats().toArray(), m.mask().toArray(), m.feats().dim(0), m.feats().dim(1));
            }

            @Override
            public boolean hasVideo(String id) {
                return store.hasVideo(id);
            }

            @Override
            public boolean hasMusic(String id) {
                return store.hasMusic(id);
            }
        };
    }
}
