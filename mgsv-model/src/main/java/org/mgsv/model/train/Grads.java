package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/** Gradient helpers: libtorch accumulates gradients across backward passes until they are zeroed. */
public final class Grads {
    private Grads() {}

    /** Sets every parameter's gradient to 0 in place (torch's {@code zero_grad(set_to_none=False)}). */
    public static void zero(Collection<NDArray> params) {
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                g.muli(0f);
            }
        }
    }
}
