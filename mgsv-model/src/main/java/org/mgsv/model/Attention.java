package org.mgsv.model;

import static org.mgsv.model.Ops.dropout;
import static org.mgsv.model.Ops.linear;
import static org.mgsv.model.Ops.matMul;
import static org.mgsv.model.Ops.mul;
import static org.mgsv.model.Ops.rows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Attention as PyTorch computes it (packed q;k;v {@code in_proj_weight}), with the key masks and the guard for
 * rows whose keys are all masked out; built from {@link Ops}.
 */
public final class Attention {
    private Attention() {}

    /** A masked-out attention logit. exp(-1e30 - max) is exactly 0 in float32, the same as -inf whenever the
     *  row has at least one valid key; a fully masked row becomes finite (uniform) instead of NaN and is then
     *  zeroed by the caller's row guard, so no NaN reaches values or gradients. */
    public static final float MASKED = -1e30f;

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
        boolean graph = inW.hasGradient();
        // Inputs that are the same array share one product with the stacked rows of in_proj (one GEMM of width 3d
        // or 2d instead of three of width d: fewer kernels, better blocking; the same sums per output element).
        if (q == k && k == v) {
            return linear(selfHeads(linear(q, inW, inB), heads, keyBias, rowGuard, dropout, training, graph), outW,
                    outB);
        }
        if (q == k) {
            return linear(selfHeads(projectQk(q, inW, inB, m), projectV(v, inW, inB, m), heads, keyBias, rowGuard,
                    dropout, training, graph), outW, outB);
        }
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long dh = d / heads;
        float scale = (float) (1.0 / Math.sqrt(dh));
        NDArray qh = mul(linear(q, rows(inW, 0, d, m), rows(inB, 0, d, m)), scale).reshape(b, lq, heads, dh)
                .transpose(0, 2, 1, 3);
        NDArray kh = linear(k, rows(inW, d, 2 * d, m), rows(inB, d, 2 * d, m)).reshape(b, lk, heads, dh)
                .transpose(0, 2, 3, 1);
        NDArray vh = linear(v, rows(inW, 2 * d, 3 * d, m), rows(inB, 2 * d, 3 * d, m)).reshape(b, lk, heads, dh)
                .transpose(0, 2, 1, 3);
        return linear(attend(qh, kh, vh, keyBias, rowGuard, dropout, training, graph), outW, outB);
    }

    /** The q;k rows of {@code in_proj} applied to x [..., d]: [..., 2d] (for {@link #selfHeads}). */
    public static NDArray projectQk(NDArray x, NDArray inW, NDArray inB, NDManager m) {
        long d = inW.getShape().get(1);
        return linear(x, rows(inW, 0, 2 * d, m), rows(inB, 0, 2 * d, m));
    }

    /** The v rows of {@code in_proj} applied to x [..., d]: [..., d] (for {@link #selfHeads}). */
    public static NDArray projectV(NDArray x, NDArray inW, NDArray inB, NDManager m) {
        long d = inW.getShape().get(1);
        return linear(x, rows(inW, 2 * d, 3 * d, m), rows(inB, 2 * d, 3 * d, m));
    }

    /**
     * The heads of a self-attention whose in-projection is given, as {@link #mha} computes them before its output
     * projection: {@code qk} [B, L, 2d] the q;k rows of {@code in_proj} applied to the query/key input, {@code v}
     * [B, L, d] the v rows applied to the value input; returns [B, L, d].
     *
     * @param graph whether a gradient is being recorded (softmax's output is then not overwritten)
     */
    public static NDArray selfHeads(NDArray qk, NDArray v, int heads, NDArray keyBias, NDArray rowGuard,
            float dropout, boolean training, boolean graph) {
        long b = qk.getShape().get(0);
        long len = qk.getShape().get(1);
        long d = v.getShape().getLastDimension();
        NDArray qk5 = qk.reshape(b, len, 2, heads, d / heads);
        NDArray vh = v.reshape(b, len, heads, d / heads).transpose(0, 2, 1, 3);
        return attend(scaledQueries(qk5), qk5.get(new NDIndex(":, :, 1")).transpose(0, 2, 3, 1), vh, keyBias,
                rowGuard, dropout, training, graph);
    }

    /** {@link #selfHeads} of one input: {@code qkv} [B, L, 3d] is the whole {@code in_proj} applied to it. */
    public static NDArray selfHeads(NDArray qkv, int heads, NDArray keyBias, NDArray rowGuard, float dropout,
            boolean training, boolean graph) {
        long b = qkv.getShape().get(0);
        long len = qkv.getShape().get(1);
        long d = qkv.getShape().getLastDimension() / 3;
        NDArray qkv5 = qkv.reshape(b, len, 3, heads, d / heads);
        return attend(scaledQueries(qkv5), qkv5.get(new NDIndex(":, :, 1")).transpose(0, 2, 3, 1),
                qkv5.get(new NDIndex(":, :, 2")).transpose(0, 2, 1, 3), keyBias, rowGuard, dropout, training, graph);
    }

    /** The queries [B, H, L, dh] scaled by 1/√dh from a projection laid out [B, L, k, H, dh] with q at k = 0. */
    private static NDArray scaledQueries(NDArray proj5) {
        float scale = (float) (1.0 / Math.sqrt(proj5.getShape().get(4)));
        return mul(proj5.get(new NDIndex(":, :, 0")), scale).transpose(0, 2, 1, 3);
    }

    /**
     * softmax(q kᵀ + key bias) (row guard, dropout) v for scaled queries qh [B,H,Lq,dh], keys kh [B,H,dh,Lk] and
     * values vh [B,H,Lk,dh]: the heads concatenated, [B, Lq, H·dh].
     */
    static NDArray attend(NDArray qh, NDArray kh, NDArray vh, NDArray keyBias, NDArray rowGuard, float dropout,
            boolean training, boolean graph) {
        long b = qh.getShape().get(0);
        long lq = qh.getShape().get(2);
        long d = qh.getShape().get(1) * qh.getShape().get(3);
        NDArray logits = matMul(qh, kh); // [B,H,Lq,Lk]
        if (keyBias != null) {
            logits = logits.addi(keyBias); // in place: matMul's backward does not need its output
        }
        NDArray p = logits.softmax(-1);
        if (rowGuard != null && !allOnes(rowGuard)) {
            // softmax's backward needs its output: in place only when the weights are not being trained
            p = graph ? p.mul(rowGuard) : p.muli(rowGuard);
        }
        p = dropout(p, dropout, training);
        return matMul(p, vh).transpose(0, 2, 1, 3).reshape(b, lq, d);
    }
}
