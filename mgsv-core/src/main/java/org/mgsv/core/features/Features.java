package org.mgsv.core.features;

import java.util.Arrays;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.Tensor;

/** Shared logic of {@link VideoFeatures} and {@link MusicFeatures}. */
final class Features {
    private Features() {}

    /** Checks shapes and that the mask is 0/1; {@code where} names the source in errors. */
    static void check(String what, String id, Tensor feats, Tensor mask, String where) {
        if (feats.rank() != 2) {
            throw new MgsvException(what + " features of " + id + " in " + where + " have shape "
                    + Arrays.toString(feats.shape()) + ", expected [slots, dim]");
        }
        if (!mask.hasShape(feats.dim(0))) {
            throw new MgsvException(what + " mask of " + id + " in " + where + " has shape "
                    + Arrays.toString(mask.shape()) + ", expected [" + feats.dim(0) + "]");
        }
        for (int i = 0; i < mask.size(); i++) {
            float m = mask.getFlat(i);
            if (m != 0f && m != 1f) {
                throw new MgsvException(what + " mask of " + id + " in " + where + " holds " + m + " at slot " + i
                        + ", expected 0 or 1");
            }
        }
    }

    /** feats with rows whose mask is 0 set to zero (as the reference's masked_fill); no copy if already so. */
    static Tensor zeroPadded(Tensor feats, Tensor mask) {
        int slots = feats.dim(0);
        int dim = feats.dim(1);
        boolean dirty = false;
        for (int s = 0; s < slots && !dirty; s++) {
            if (mask.getFlat(s) == 0f) {
                for (int j = 0; j < dim; j++) {
                    if (feats.getFlat(s * dim + j) != 0f) {
                        dirty = true;
                        break;
                    }
                }
            }
        }
        if (!dirty) {
            return feats;
        }
        float[] v = feats.toArray();
        for (int s = 0; s < slots; s++) {
            if (mask.getFlat(s) == 0f) {
                Arrays.fill(v, s * dim, (s + 1) * dim, 0f);
            }
        }
        return Tensor.wrap(v, slots, dim);
    }

    static int validCount(Tensor mask) {
        int n = 0;
        for (int i = 0; i < mask.size(); i++) {
            if (mask.getFlat(i) != 0f) {
                n++;
            }
        }
        return n;
    }
}
