package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;

/**
 * Inference-only DETR decoder for ONE moment query, rewritten so that the L = F+S memory tokens are never
 * projected by the cross-attention's key/value matrices. Every rewrite is exact algebra (equal up to float
 * rounding); {@code FastDecoderTest} checks each against the plain computation.
 *
 * <p><b>Self-attention with one query.</b> The softmax runs over a single key, so its weight is exactly 1 and
 * SA(t) = out_proj(W_v t + b_v): the query/key projections do not influence the result and are skipped.
 *
 * <p><b>Cross-attention logits.</b> For head h with query q_h = W_q^h (t + query_pos) + b_q^h (scaled by
 * 1/√(d/H)), the logit of memory token s is q_h·(W_k^h k_s + b_k^h) = (W_k^hᵀ q_h)·k_s + q_h·b_k^h with
 * k_s = memory_s + pos_s. The second term is the same for every s, and softmax is invariant to adding a
 * constant to all logits of a row, so it is dropped; the first needs one d-vector r_h = W_k^hᵀ q_h per head
 * instead of projecting all L keys (H·d·L + d² work instead of L·d²).
 *
 * <p><b>Cross-attention values.</b> Σ_s p_s (W_v^h m_s + b_v^h) = W_v^h (Σ_s p_s m_s) + b_v^h because the
 * weights p_s of a row sum to 1 (rows with no valid key are guarded to weight 0 in both forms and never occur
 * with real data: a video always has a valid frame). So each head pools the raw memory tokens first and
 * projects one d-vector.
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

    /** Decoder layers' outputs after decoder.norm, [L, B, 1, d] (same as {@link MadeNetwork#detrDecode}). */
    public NDArray decode(MadeNetwork.DetrMemory mem, NDArray target) {
        NDManager m = target.getManager();
        long b = target.getShape().get(0);
        int d = c.dModel();
        NDArray qpos = p.get("decoder_query_embed.weight").reshape(1, d); // [1,d]
        qpos.attach(m);
        NDArray t = target.reshape(b, d);
        NDArray[] hidden = new NDArray[c.detrDecoderLayers()];
        for (int l = 0; l < c.detrDecoderLayers(); l++) {
            String pre = DETR + "decoder.layers." + l + ".";
            NDArray sa = selfAttention(t, pre + "self_attn.", m);
            t = ln(t.add(sa), pre + "norm1");
            NDArray ca = crossAttention(t.add(qpos), mem, pre + "multihead_attn.", m);
            t = ln(t.add(ca), pre + "norm2");
            NDArray f = lin(relu(lin(t, pre + "linear1")), pre + "linear2");
            t = ln(t.add(f), pre + "norm3");
            hidden[l] = ln(t, DETR + "decoder.norm").reshape(b, 1, d);
        }
        return NDArrays.stack(new NDList(hidden), 0);
    }

    /** One query: attention weight 1 on its own value, so SA(t) = out_proj(W_v t + b_v). t [B,d]. */
    NDArray selfAttention(NDArray t, String pre, NDManager m) {
        int d = c.dModel();
        NDArray wv = rows(p.get(pre + "in_proj_weight"), 2L * d, 3L * d, m);
        NDArray bv = rows(p.get(pre + "in_proj_bias"), 2L * d, 3L * d, m);
        NDArray v = org.mgsv.model.eval.Lin.linear(t, wv, bv);
        return org.mgsv.model.eval.Lin.linear(v, p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"));
    }

    /**
     * Cross-attention of one query per row over the memory, without projecting the memory tokens.
     *
     * @param query t + query_pos, [B, d]
     */
    NDArray crossAttention(NDArray query, MadeNetwork.DetrMemory mem, String pre, NDManager m) {
        int d = c.dModel();
        int heads = c.detrHeads();
        int dh = d / heads;
        long b = query.getShape().get(0);
        NDArray inW = p.get(pre + "in_proj_weight");
        NDArray inB = p.get(pre + "in_proj_bias");
        NDArray wq = rows(inW, 0, d, m);
        NDArray bq = rows(inB, 0, d, m);
        NDArray wk = rows(inW, d, 2L * d, m).reshape(heads, dh, d); // W_k^h: [H, dh, d]
        NDArray wv = rows(inW, 2L * d, 3L * d, m).reshape(heads, dh, d);
        NDArray bv = rows(inB, 2L * d, 3L * d, m);
        float scale = (float) (1.0 / Math.sqrt(dh));
        // q_h [H, B, dh]; r_h = W_k^hᵀ q_h -> [H, B, d]  (the q_h·b_k^h term is constant per row: dropped)
        NDArray q = Lin.linear(query, wq, bq).mul(scale).reshape(b, heads, dh).transpose(1, 0, 2);
        NDArray r = q.matMul(wk).transpose(1, 0, 2); // [B, H, d]
        NDArray logits = r.matMul(mem.memoryPos().transpose(0, 2, 1)); // [B, H, L]
        long len = logits.getShape().get(2);
        logits = logits.add(mem.keyBias().reshape(b, 1, len));
        NDArray prob = logits.softmax(-1).mul(mem.rowGuard().reshape(b, 1, 1));
        // Σ_s p_s m_s per head, then W_v^h on the pooled vector (weights sum to 1, so b_v^h passes unchanged)
        NDArray pooled = prob.matMul(mem.memory()).transpose(1, 0, 2); // [H, B, d]
        NDArray o = pooled.matMul(wv.transpose(0, 2, 1)).transpose(1, 0, 2).reshape(b, d).add(bv); // [B, d]
        return Lin.linear(o, p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"));
    }

    private NDArray ln(NDArray x, String pre) {
        return Lin.layerNorm(x, p.get(pre + ".weight"), p.get(pre + ".bias"), eps);
    }

    private NDArray lin(NDArray x, String pre) {
        return Lin.linear(x, p.get(pre + ".weight"), p.get(pre + ".bias"));
    }

    private static NDArray relu(NDArray x) {
        return ai.djl.nn.Activation.relu(x);
    }

    static NDArray rows(NDArray w, long from, long to, NDManager m) {
        NDArray r = w.get(new NDIndex(from + ":" + to));
        r.attach(m);
        return r;
    }
}
