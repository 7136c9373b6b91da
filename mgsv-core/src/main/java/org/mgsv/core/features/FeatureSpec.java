package org.mgsv.core.features;

/**
 * Feature shapes of a dataset: video [videoSlots, videoDim] (CLIP frames, one per second) and music
 * [musicSlots, musicDim] (AST windows every 2.5 s). {@link #MGSV_EC} is the published configuration; smaller
 * specs exist for tests and synthetic data.
 */
public record FeatureSpec(int videoSlots, int videoDim, int musicSlots, int musicDim) {
    /** The published MGSV-EC features: video [50, 512], music [96, 768]. */
    public static final FeatureSpec MGSV_EC = new FeatureSpec(50, 512, 96, 768);

    public FeatureSpec {
        if (videoSlots <= 0 || videoDim <= 0 || musicSlots <= 0 || musicDim <= 0) {
            throw new IllegalArgumentException("feature dimensions must be positive: " + videoSlots + "x"
                    + videoDim + ", " + musicSlots + "x" + musicDim);
        }
    }

    public int[] videoShape() {
        return new int[] {videoSlots, videoDim};
    }

    public int[] musicShape() {
        return new int[] {musicSlots, musicDim};
    }
}
