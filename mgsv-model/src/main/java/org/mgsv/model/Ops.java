package org.mgsv.model;

import static org.mgsv.model.NativeMemory.owned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * Differentiable building blocks written from DJL primitives with PyTorch's conventions (Linear y = x Wᵀ + b,
 * W [out, in]; LayerNorm eps from the config; exact-erf GELU): scalar arithmetic whose scalar autograd can keep,
 * products in the current {@link MatmulPrecision}, normalisation, activations and dropout. Attention is in
 * {@link Attention}; where arrays live and when they are freed, in {@link NativeMemory}.
 *
 * <p>Every result is attached to the manager {@code m} of the computation (the caller's per-step sub-manager),
 * never to the parameters' manager, so repeated forward passes do not accumulate native memory.
 */
public final class Ops {
    private Ops() {}

    /**
     * {@code x * v}. {@code NDArray.mul(Number)} makes the scalar a tensor over a direct buffer and closes it right
     * after the operation, while autograd keeps the scalar for the backward pass: a garbage collection in between
     * frees the buffer and the gradient reads freed memory (wrong or non-finite values, runs that differ). The
     * scalar here is in libtorch-owned memory. Use these in every expression that may be differentiated.
     */
    public static NDArray mul(NDArray x, float v) {
        try (NDArray s = scalar(x.getManager(), v)) {
            return x.mul(s);
        }
    }

    /** {@code x / v}, the scalar in libtorch-owned memory (see {@link #mul(NDArray, float)}). */
    public static NDArray div(NDArray x, float v) {
        try (NDArray s = scalar(x.getManager(), v)) {
            return x.div(s);
        }
    }

    /** {@code max(x, v)}, the scalar in libtorch-owned memory (see {@link #mul(NDArray, float)}). */
    public static NDArray maximum(NDArray x, float v) {
        try (NDArray s = scalar(x.getManager(), v)) {
            return x.maximum(s);
        }
    }

    private static NDArray scalar(NDManager m, float v) {
        return owned(m, new float[] {v}, new Shape());
    }

    /**
     * {@code x Wᵀ + b}. In {@link MatmulPrecision#BF16} the product runs on bf16 copies of x, W and b (a trained
     * weight or bias is cast on every call, so its gradient reaches the float32 master; one without gradient is
     * cast once and cached); the kernel adds the bias to its float32 accumulator and rounds once to bf16, and the
     * result is returned as float32.
     */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        if (MatmulPrecision.current() == MatmulPrecision.FP32) {
            return Linear.linear(x, w, b).singletonOrThrow();
        }
        NDManager m = x.getManager();
        try (NDArray x16 = Bf16Kernels.toBf16(x, m); NDArray y16 = linear16(x16, x.getShape(), w, b, m)) {
            return Bf16Kernels.toFloat(y16, m);
        }
    }

    /**
     * The feed-forward {@code linear2(relu(linear1(x)))} without dropout. In {@link MatmulPrecision#BF16} the
     * hidden layer stays bf16 between the two products: relu commutes with rounding to bf16, so this is bit for bit
     * {@code linear(relu(linear(x, w1, b1)), w2, b2)} while skipping a cast back to float32 and another to bf16 of
     * the widest tensor of the block ([..., 4d]).
     */
    public static NDArray reluFeedForward(NDArray x, NDArray w1, NDArray b1, NDArray w2, NDArray b2) {
        if (MatmulPrecision.current() == MatmulPrecision.FP32) {
            return linear(relu(linear(x, w1, b1)), w2, b2);
        }
        NDManager m = x.getManager();
        try (NDArray x16 = Bf16Kernels.toBf16(x, m); NDArray y16 = linear16(x16, x.getShape(), w1, b1, m);
                NDArray h16 = relu(y16); NDArray z16 = linear16(h16, h16.getShape(), w2, b2, m)) {
            return Bf16Kernels.toFloat(z16, m);
        }
    }

    /** {@code x16 W^T + b} of a bf16 input (of float32 shape {@code xShape}), a bf16 result attached to {@code m}. */
    private static NDArray linear16(NDArray x16, Shape xShape, NDArray w, NDArray b, NDManager m) {
        Bf16Kernels.checkLinear(xShape, w.getShape());
        if (b != null && (b.getShape().dimension() != 1 || b.getShape().get(0) != w.getShape().get(0))) {
            throw new IllegalArgumentException("linear: bias " + b.getShape() + " does not match weight " + w.getShape());
        }
        NDArray[] w16 = bf16Weight(w, m);
        NDArray[] b16 = b == null ? new NDArray[2] : bf16Weight(b, m);
        try {
            return Bf16Kernels.linear(x16, w16[0], b16[0], m);
        } finally {
            if (w16[1] != null) {
                w16[0].close(); // a per-call copy; the graph keeps its own reference
            }
            if (b16[1] != null) {
                b16[0].close();
            }
        }
    }

    /**
     * {@code a @ b} (batched, broadcasting batch dimensions): the network's attention products go through here so
     * that {@link MatmulPrecision#BF16} runs them on bf16 copies with a float32 result.
     */
    public static NDArray matMul(NDArray a, NDArray b) {
        if (MatmulPrecision.current() == MatmulPrecision.FP32) {
            return a.matMul(b);
        }
        Bf16Kernels.checkMatmul(a.getShape(), b.getShape());
        NDManager m = a.getManager();
        try (NDArray a16 = Bf16Kernels.toBf16(a, m); NDArray b16 = Bf16Kernels.toBf16(b, m);
                NDArray c16 = Bf16Kernels.matmul(a16, b16, m)) {
            return Bf16Kernels.toFloat(c16, m);
        }
    }

    /**
     * bf16 copies of weights without gradient (inference), by native handle; each entry remembers its weight
     * object (NDArray's equals compares contents, so the arrays cannot be map keys).
     */
    private record Cached(java.lang.ref.WeakReference<NDArray> weight, NDArray copy) {}

    private static final java.util.Map<Long, Cached> BF16_WEIGHTS = new java.util.HashMap<>();

    /**
     * The bf16 copy of a weight: cast on every call (attached to {@code m}) when the weight is being trained (so
     * autograd carries its gradient to the float32 master) or is a per-call view owned by the computation's own
     * manager; otherwise made once and cached, attached to the weight's manager so it is freed with the weight.
     * The second element says whether the caller must close it.
     */
    private static NDArray[] bf16Weight(NDArray w, NDManager m) {
        if (w.hasGradient() || w.getManager() == m) {
            return new NDArray[] {Bf16Kernels.toBf16(w, m), w};
        }
        long h = ((ai.djl.pytorch.engine.PtNDArray) w).getHandle();
        synchronized (BF16_WEIGHTS) {
            Cached c = BF16_WEIGHTS.get(h);
            if (c == null || c.weight().get() != w || c.copy().isReleased()) {
                if (BF16_WEIGHTS.size() > 4096) {
                    BF16_WEIGHTS.values().removeIf(e -> e.weight().get() == null || e.copy().isReleased());
                }
                c = new Cached(new java.lang.ref.WeakReference<>(w), Bf16Kernels.toBf16(w, w.getManager()));
                BF16_WEIGHTS.put(h, c);
            }
            return new NDArray[] {c.copy(), null};
        }
    }

    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().getLastDimension()), gamma, beta, eps).singletonOrThrow();
    }

    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    public static NDArray relu(NDArray x) {
        return Activation.relu(x);
    }

    /**
     * Inverted dropout (as {@code torch.nn.functional.dropout}) with masks from {@link DropoutMasks}: drawn by a
     * seeded Java generator, several times faster than libtorch's CPU Bernoulli sampling.
     */
    public static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        try (NDArray mask = DropoutMasks.draw(x.getManager(), x.getShape(), rate)) {
            // autograd keeps its own reference to the mask for the backward pass
            return x.mul(mask);
        }
    }

    /** Seeds every random draw of a training step: libtorch's generator and the dropout masks. */
    public static void seedRandom(ai.djl.engine.Engine engine, int seed) {
        engine.setRandomSeed(seed);
        DropoutMasks.seed(seed);
    }

    /** x / max(‖x‖₂, 1e-12) over the last axis (F.normalize). */
    public static NDArray l2normalize(NDArray x) {
        NDArray n = maximum(x.norm(new int[] {-1}, true), 1e-12f);
        return x.div(n);
    }

    /** Rows [from, to) of a parameter, attached to {@code m}. */
    public static NDArray rows(NDArray w, long from, long to, NDManager m) {
        NDArray r = w.get(new NDIndex(from + ":" + to));
        r.attach(m);
        return r;
    }
}
