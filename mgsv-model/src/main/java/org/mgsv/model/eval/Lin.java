package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** PyTorch-convention linear and layer norm (y = x Wᵀ + b) for the evaluator. */
final class Lin {
    private Lin() {}

    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    static NDArray layerNorm(NDArray x, NDArray g, NDArray b, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().getLastDimension()), g, b, eps).singletonOrThrow();
    }
}
