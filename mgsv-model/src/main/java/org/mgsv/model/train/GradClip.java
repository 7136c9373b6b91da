package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * {@code torch.nn.utils.clip_grad_norm_} for one group: total L2 norm over the group's gradients; if it exceeds
 * {@code maxNorm}, every gradient is scaled by maxNorm / (norm + 1e-6).
 */
public final class GradClip {
    private GradClip() {}

    /** @return the total norm before clipping */
    public static double clip(Collection<NDArray> params, double maxNorm) {
        double sq = 0;
        for (NDArray p : params) {
            // every intermediate closed: they belong to the parameters' long-lived manager
            try (NDArray g = p.getGradient(); NDArray sqr = g.square(); NDArray n = sqr.sum()) {
                sq += n.getFloat();
            }
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0) {
            for (NDArray p : params) {
                try (NDArray g = p.getGradient()) {
                    g.muli((float) coef);
                }
            }
        }
        return total;
    }
}
