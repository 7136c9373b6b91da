package org.mgsv.core.features;

import org.mgsv.core.tensor.Tensor;

/**
 * Segment features of one music track: {@code feats} [slots, dim] (AST per 2.5 s window; [96, 768] for
 * MGSV-EC) and {@code mask} [slots] (1 = window inside the track, 0 = padding). Padded slots are zero.
 */
public record MusicFeatures(String id, Tensor feats, Tensor mask) {
    public MusicFeatures {
        Features.check("music", id, feats, mask, "memory");
        feats = Features.zeroPadded(feats, mask);
    }

    /** Builds the record, naming {@code where} (a file or store) in shape/mask errors. */
    public static MusicFeatures of(String id, Tensor feats, Tensor mask, String where) {
        Features.check("music", id, feats, mask, where);
        return new MusicFeatures(id, feats, mask);
    }

    /** Number of real (unpadded) segments. */
    public int validCount() {
        return Features.validCount(mask);
    }
}
