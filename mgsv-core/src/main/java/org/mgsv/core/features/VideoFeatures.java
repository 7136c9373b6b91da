package org.mgsv.core.features;

import org.mgsv.core.tensor.Tensor;

/**
 * Frame features of one video: {@code feats} [slots, dim] (CLIP per second; [50, 512] for MGSV-EC) and
 * {@code mask} [slots] (1 = real frame, 0 = padding). Padded slots of {@code feats} are zero.
 */
public record VideoFeatures(String id, Tensor feats, Tensor mask) {
    public VideoFeatures {
        Features.check("video", id, feats, mask, "memory");
        feats = Features.zeroPadded(feats, mask);
    }

    /** Builds the record, naming {@code where} (a file or store) in shape/mask errors. */
    public static VideoFeatures of(String id, Tensor feats, Tensor mask, String where) {
        Features.check("video", id, feats, mask, where);
        return new VideoFeatures(id, feats, mask);
    }

    /** Number of real (unpadded) frames. */
    public int validCount() {
        return Features.validCount(mask);
    }
}
