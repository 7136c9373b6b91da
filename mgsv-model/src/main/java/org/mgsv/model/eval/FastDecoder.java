package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.model.Ops;

/**
 * The DETR decoder for ONE moment query, rewritten so that the L = F+S memory tokens are never projected by the
 * cross-attention's key/value matrices (those projections are ~20% of a training step's arithmetic). Used for
 * inference and, with the reference's dropout semantics (dropout on the attention weights included), for training.
 * Every rewrite is exact algebra (equal up to float rounding); {@code FastDecoderTest} and
 * {@code TrainForwardTest} check it against the plain computation.
 *
 * <p><b>Self-attention with one query.</b> The softmax runs over a single key, so its weight is exactly 1 (then
 * attention dropout: 0 or 1/(1−p) per batch row and head): SA(t) = out_proj(drop(1) ⊙ (W_v t + b_v)) per head;
 * the query/key projections do not influence the result and are skipped.
 *
 * <p><b>Cross-attention logits.</b> For head h with query q_h = W_q^h (t + query_pos) + b_q^h (scaled by
 * 1/√(d/H)), the logit of memory token s is q_h·(W_k^h k_s + b_k^h) = (W_k^hᵀ q_h)·k_s + q_h·b_k^h with
 * k_s = memory_s + pos_s. The second term is the same for every s, and softmax is invariant to adding a
 * constant to all logits of a row, so it is dropped; the first needs one d-vector r_h = W_k^hᵀ q_h per head
 * instead of projecting all L keys (H·d·L + d² work instead of L·d²).
 *
 * <p><b>Cross-attention values.</b> With the (guarded, possibly dropped-out) weights p'_s of a row,
 * Σ_s p'_s (W_v^h m_s + b_v^h) = W_v^h (Σ_s p'_s m_s) + (Σ_s p'_s) b_v^h. So each head pools the raw memory
 * tokens first and projects one d-vector; without dropout Σ_s p'_s is the row guard (1, or 0 for a row with no
 * valid key).
 */
public final class FastDecoder {
    private static final String DETR = "detr_transformer.";

    private final MadeConfig c;
    private final MadeParams p;
    private final float eps;

    public FastDecoder(MadeParams params) {
        this.p = params;
        this.c = params.config();
        this.eps = c.layerNormEps();
        if (c.numMomentQueries() != 1) {
            throw new IllegalArgumentException("the single-query decoder needs numMomentQueries = 1");
        }
    }

    /** The decoder for inference: this rewrite when the model has one moment query, else the plain decoder. */
    public static MadeNetwork.Decoder forInference(MadeNetwork net) {
        return net.config().numMomentQueries() == 1 ? new FastDecoder(net.params())::decode : net::detrDecode;
    }

    /** Decoder layers' outputs after decoder.norm, [L, B, 1, d] (same as {@link MadeNetwork#detrDecode}), inference. */
    public NDArray decode(MadeNetwork.DetrMemory mem, NDArray target) {
        return decode(mem, target, false);
    }

    /** As {@link MadeNetwork#detrDecode}: with the DETR dropouts when {@code training}. */
    public NDArray decode(MadeNetwork.DetrMemory mem, NDArray target, boolean training) {
        NDManager m = target.getManager();
        long b = target.getShape().get(0);
        int d = c.dModel();
        float dr = c.detrDropout();
        // a [1, d] reshape of the parameter, moved to the step's manager (it would stay with the parameters')
        NDArray qpos = p.get("decoder_query_embed.weight").reshape(1, d);
        qpos.attach(m);
        NDArray t = target.reshape(b, d);
        NDArray[] hidden = new NDArray[c.detrDecoderLayers()];
        for (int l = 0; l < c.detrDecoderLayers(); l++) {
            String pre = DETR + "decoder.layers." + l + ".";
            NDArray sa = selfAttention(t, pre + "self_attn.", training, m);
            t = ln(t.add(Ops.dropout(sa, dr, training)), pre + "norm1");
            NDArray ca = crossAttention(t.add(qpos), mem, pre + "multihead_attn.", training, m);
            t = ln(t.add(Ops.dropout(ca, dr, training)), pre + "norm2");
            NDArray f = Ops.relu(lin(t, pre + "linear1"));
            f = lin(Ops.dropout(f, dr, training), pre + "linear2");
            t = ln(t.add(Ops.dropout(f, dr, training)), pre + "norm3");
            hidden[l] = ln(t, DETR + "decoder.norm").reshape(b, 1, d);
        }
        return NDArrays.stack(new NDList(hidden), 0);
    }

    /** One query: attention weight 1 (after dropout) on its own value, so SA(t) = out_proj(W_v t + b_v). t [B,d]. */
    NDArray selfAttention(NDArray t, String pre, boolean training, NDManager m) {
        int d = c.dModel();
        int heads = c.detrHeads();
        float dr = c.detrDropout();
        long b = t.getShape().get(0);
        NDArray v = Ops.linear(t, Ops.rows(p.get(pre + "in_proj_weight"), 2L * d, 3L * d, m),
                Ops.rows(p.get(pre + "in_proj_bias"), 2L * d, 3L * d, m));
        if (training && dr > 0f) {
            // the single attention weight 1 after dropout, per row and head
            NDArray w = Ops.dropout(m.ones(new Shape(b, heads, 1)), dr, true);
            v = v.reshape(b, heads, d / heads).mul(w).reshape(b, d);
        }
        return Ops.linear(v, p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"));
    }

    /**
     * Cross-attention of one query per row over the memory, without projecting the memory tokens.
     *
     * @param query t + query_pos, [B, d]
     */
    NDArray crossAttention(NDArray query, MadeNetwork.DetrMemory mem, String pre, boolean training, NDManager m) {
        int d = c.dModel();
        int heads = c.detrHeads();
        int dh = d / heads;
        float dr = c.detrDropout();
        long b = query.getShape().get(0);
        NDArray inW = p.get(pre + "in_proj_weight");
        NDArray inB = p.get(pre + "in_proj_bias");
        NDArray wq = Ops.rows(inW, 0, d, m);
        NDArray bq = Ops.rows(inB, 0, d, m);
        NDArray wk = Ops.rows(inW, d, 2L * d, m).reshape(heads, dh, d); // W_k^h: [H, dh, d]
        NDArray wv = Ops.rows(inW, 2L * d, 3L * d, m).reshape(heads, dh, d);
        NDArray bv = Ops.rows(inB, 2L * d, 3L * d, m).reshape(1, heads, dh);
        // q_h [H, B, dh]; r_h = W_k^hᵀ q_h -> [B, H, d]  (the q_h·b_k^h term is constant per row: dropped)
        NDArray q = Ops.mul(Ops.linear(query, wq, bq), (float) (1.0 / Math.sqrt(dh))).reshape(b, heads, dh)
                .transpose(1, 0, 2);
        NDArray r = q.matMul(wk).transpose(1, 0, 2);
        NDArray logits = r.matMul(mem.memoryPos().transpose(0, 2, 1)); // [B, H, L]
        long len = logits.getShape().get(2);
        logits = logits.add(mem.keyBias().reshape(b, 1, len));
        NDArray prob = logits.softmax(-1).mul(mem.rowGuard().reshape(b, 1, 1));
        prob = Ops.dropout(prob, dr, training);
        // Σ_s p'_s m_s per head, then W_v^h on the pooled vector, plus (Σ_s p'_s) b_v^h
        NDArray pooled = prob.matMul(mem.memory()).transpose(1, 0, 2); // [H, B, d]
        NDArray o = pooled.matMul(wv.transpose(0, 2, 1)).transpose(1, 0, 2); // [B, H, dh]
        NDArray mass = training && dr > 0f ? prob.sum(new int[] {2}, true) // [B, H, 1]: Σ_s p'_s
                : mem.rowGuard().reshape(b, 1, 1);
        o = o.add(bv.mul(mass)).reshape(b, d);
        return Ops.linear(o, p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"));
    }

    private NDArray ln(NDArray x, String pre) {
        return Ops.layerNorm(x, p.get(pre + ".weight"), p.get(pre + ".bias"), eps);
    }

    private NDArray lin(NDArray x, String pre) {
        return Ops.linear(x, p.get(pre + ".weight"), p.get(pre + ".bias"));
    }
}
