package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * Differentiable building blocks written from DJL primitives with PyTorch's conventions (Linear y = x Wᵀ + b,
 * W [out, in]; attention with packed q;k;v {@code in_proj_weight}; LayerNorm eps from the config; exact-erf GELU).
 *
 * <p>Every result is attached to the manager {@code m} of the computation (the caller's per-step sub-manager),
 * never to the parameters' manager, so repeated forward passes do not accumulate native memory.
 */
public final class Ops {
    private Ops() {}

    /** A masked-out attention logit. exp(-1e30 - max) is exactly 0 in float32, the same as -inf whenever the
     *  row has at least one valid key; a fully masked row becomes finite (uniform) instead of NaN and is then
     *  zeroed by the caller's row guard, so no NaN reaches values or gradients. */
    public static final float MASKED = -1e30f;

    /**
     * An array with the given values in libtorch-owned memory. {@code NDManager.create(float[])} leaves the
     * data in a direct buffer that libtorch uses in place and that a garbage collection may free while the
     * tensor (or a view of it, or autograd's saved inputs) is still in use. Here libtorch allocates the tensor
     * and the values are copied once, straight into its storage (not through a direct buffer and a clone).
     */
    public static NDArray owned(NDManager m, float[] data, Shape shape) {
        checkSize(data.length, shape);
        NDArray a = m.create(shape, DataType.FLOAT32);
        if (data.length > 0) {
            TensorStorage.floats(a).put(data);
        }
        return a;
    }

    private static void checkSize(int n, Shape shape) {
        if (n != shape.size()) {
            throw new IllegalArgumentException(n + " values for shape " + shape + " (" + shape.size() + " elements)");
        }
    }

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

    private static final ThreadLocal<float[][]> HOST = ThreadLocal.withInitial(() -> new float[8][]);

    /**
     * A zeroed host buffer of exactly {@code n} floats, reused per thread and {@code slot} (0..7): for data that
     * goes into {@link #owned} right away, so loops do not fill the Java heap with garbage.
     */
    public static float[] hostBuffer(int slot, int n) {
        float[][] b = HOST.get();
        if (b[slot] == null || b[slot].length != n) {
            b[slot] = new float[n];
        } else {
            java.util.Arrays.fill(b[slot], 0f);
        }
        return b[slot];
    }

    /** {@link #owned(NDManager, float[], Shape)} for int64 data. */
    public static NDArray owned(NDManager m, long[] data, Shape shape) {
        checkSize(data.length, shape);
        NDArray a = m.create(shape, DataType.INT64);
        if (data.length > 0) {
            TensorStorage.longs(a).put(data);
        }
        return a;
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
        Bf16Kernels.checkLinear(x.getShape(), w.getShape());
        if (b != null && (b.getShape().dimension() != 1 || b.getShape().get(0) != w.getShape().get(0))) {
            throw new IllegalArgumentException("linear: bias " + b.getShape() + " does not match weight " + w.getShape());
        }
        NDManager m = x.getManager();
        NDArray[] w16 = bf16Weight(w, m);
        NDArray[] b16 = b == null ? new NDArray[2] : bf16Weight(b, m);
        try (NDArray x16 = Bf16Kernels.toBf16(x, m); NDArray y16 = Bf16Kernels.linear(x16, w16[0], b16[0], m)) {
            return Bf16Kernels.toFloat(y16, m);
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

    /**
     * Runs {@code body} with its intermediates in a temporary sub-manager that is closed on return, so only the
     * result survives (attached to the first input's manager). The inputs are temporarily attached to the
     * sub-manager (so that results of operations on them land there) and returned to their managers afterwards.
     * Safe with autograd: the graph keeps its own references to the tensors a backward pass needs.
     */
    public static NDArray scoped(java.util.function.Function<NDArray[], NDArray> body, NDArray... inputs) {
        NDManager home = inputs[0].getManager();
        try (NDManager s = home.newSubManager()) {
            java.util.Set<NDArray> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (NDArray x : inputs) {
                if (x != null && seen.add(x)) {
                    x.tempAttach(s);
                }
            }
            NDArray out = body.apply(inputs);
            if (seen.contains(out)) {
                out = out.duplicate();
            }
            out.attach(home);
            return out;
        }
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

    /** Additive key mask [B,1,1,L] (0 valid, MASKED padding) from a {0,1} float mask [B,L]. */
    public static NDArray keyBias(NDArray mask) {
        Shape s = mask.getShape();
        return mask.sub(1f).mul(-MASKED).reshape(s.get(0), 1, 1, s.get(1));
    }

    /** [B,1,1,1]: 1 where the row has at least one valid key, else 0 (the fully-masked-row guard). */
    public static NDArray anyValid(NDArray mask) {
        Shape s = mask.getShape();
        return mask.max(new int[] {1}).reshape(s.get(0), 1, 1, 1);
    }

    /**
     * Whether a {@link #anyValid} guard is 1 everywhere (every row has a valid key, as in training, where empty
     * masks are rejected): multiplying by it then changes nothing, values or gradients, and is skipped.
     */
    static boolean allOnes(NDArray guard) {
        if (guard.size() == 0) {
            return true; // no rows (an empty batch): nothing to guard
        }
        try (NDArray min = guard.min()) {
            return min.getFloat() == 1f;
        }
    }

    /**
     * Multi-head attention as torch.nn.MultiheadAttention computes it (batch-first here): q/k/v [B, L, d],
     * packed in-projection, scale 1/√(d/heads) applied to q, keys with mask 0 ignored, dropout on the attention
     * weights when training, output projection.
     *
     * @param keyBias from {@link #keyBias} or null (no mask)
     * @param rowGuard from {@link #anyValid} or null
     */
    public static NDArray mha(NDArray q, NDArray k, NDArray v, NDArray inW, NDArray inB, NDArray outW, NDArray outB,
            int heads, NDArray keyBias, NDArray rowGuard, float dropout, boolean training, NDManager m) {
        long d = q.getShape().getLastDimension();
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long dh = d / heads;
        float scale = (float) (1.0 / Math.sqrt(dh));
        NDArray qh;
        NDArray kh;
        NDArray vh;
        // Inputs that are the same array share one product with the stacked rows of in_proj (one GEMM of width 3d
        // or 2d instead of three of width d: fewer kernels, better blocking; the same sums per output element).
        if (q == k && k == v) {
            NDArray qkv = linear(q, inW, inB).reshape(b, lq, 3, heads, dh);
            qh = mul(qkv.get(new NDIndex(":, :, 0")), scale).transpose(0, 2, 1, 3);
            kh = qkv.get(new NDIndex(":, :, 1")).transpose(0, 2, 3, 1);
            vh = qkv.get(new NDIndex(":, :, 2")).transpose(0, 2, 1, 3);
        } else if (q == k) {
            NDArray qk = linear(q, rows(inW, 0, 2 * d, m), rows(inB, 0, 2 * d, m)).reshape(b, lq, 2, heads, dh);
            qh = mul(qk.get(new NDIndex(":, :, 0")), scale).transpose(0, 2, 1, 3);
            kh = qk.get(new NDIndex(":, :, 1")).transpose(0, 2, 3, 1);
            vh = linear(v, rows(inW, 2 * d, 3 * d, m), rows(inB, 2 * d, 3 * d, m)).reshape(b, lk, heads, dh)
                    .transpose(0, 2, 1, 3);
        } else {
            qh = mul(linear(q, rows(inW, 0, d, m), rows(inB, 0, d, m)), scale).reshape(b, lq, heads, dh)
                    .transpose(0, 2, 1, 3);
            kh = linear(k, rows(inW, d, 2 * d, m), rows(inB, d, 2 * d, m)).reshape(b, lk, heads, dh)
                    .transpose(0, 2, 3, 1);
            vh = linear(v, rows(inW, 2 * d, 3 * d, m), rows(inB, 2 * d, 3 * d, m)).reshape(b, lk, heads, dh)
                    .transpose(0, 2, 1, 3);
        }
        NDArray logits = matMul(qh, kh); // [B,H,Lq,Lk]
        if (keyBias != null) {
            logits = logits.addi(keyBias); // in place: matMul's backward does not need its output
        }
        NDArray p = logits.softmax(-1);
        if (rowGuard != null && !allOnes(rowGuard)) {
            // softmax's backward needs its output: in place only when the weights are not being trained
            p = inW.hasGradient() ? p.mul(rowGuard) : p.muli(rowGuard);
        }
        p = dropout(p, dropout, training);
        NDArray o = matMul(p, vh).transpose(0, 2, 1, 3).reshape(b, lq, d);
        return linear(o, outW, outB);
    }
}
