package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.util.Collection;
import org.mgsv.model.HostParallel;
import org.mgsv.model.TensorStorage;

/**
 * {@code torch.nn.utils.clip_grad_norm_} for one group: total L2 norm over the group's gradients; if it exceeds
 * {@code maxNorm}, every gradient is scaled by maxNorm / (norm + 1e-6) (a float multiply per element, as torch's
 * {@code mul_}). The sums of squares run in double over the gradients' own storage, in chunks whose partial sums
 * are added in chunk order (the same norm for every thread count).
 */
public final class GradClip {
    private static final int CHUNK = 1 << 15;

    private GradClip() {}

    /** @return the total norm before clipping */
    public static double clip(Collection<NDArray> params, double maxNorm) {
        double sq = 0;
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                sq += sumOfSquares(TensorStorage.floats(g));
            }
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0) {
            for (NDArray p : params) {
                try (NDArray g = p.getGradient()) {
                    scale(TensorStorage.floats(g), (float) coef);
                }
            }
        }
        return total;
    }

    private static double sumOfSquares(FloatBuffer g) {
        int n = g.capacity();
        double[] part = new double[(n + CHUNK - 1) / CHUNK];
        HostParallel.ranges(n, CHUNK, k -> HostParallel.reusedFloats(1, k)[0], (c, from, len, buf) -> {
            g.get(from, buf, 0, len);
            double s = 0;
            for (int i = 0; i < len; i++) {
                double x = buf[i];
                s += x * x;
            }
            part[c] = s;
        });
        double s = 0;
        for (double x : part) {
            s += x;
        }
        return s;
    }

    private static void scale(FloatBuffer g, float coef) {
        HostParallel.ranges(g.capacity(), CHUNK, k -> HostParallel.reusedFloats(1, k)[0], (c, from, len, buf) -> {
            g.get(from, buf, 0, len);
            for (int i = 0; i < len; i++) {
                buf[i] *= coef;
            }
            g.put(from, buf, 0, len);
        });
    }
}
