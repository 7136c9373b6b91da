package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.Ops;

/**
 * The network's forward pass for training, with the DETR decoder rewritten for one moment query so that the
 * L = F + S memory tokens are never projected by the cross-attention's key and value matrices (those
 * projections are ~20% of a step's arithmetic). Everything else is {@link MadeNetwork}'s. The rewrites are exact
 * algebra and keep the reference's dropout semantics (dropout on the attention weights included);
 * {@code TrainForwardTest} checks values and gradients against {@link MadeNetwork#forward} with dropout off.
 *
 * <p><b>Self-attention with one query.</b> The softmax runs over one key, so its weight is 1 (then attention
 * dropout: 0 or 1/(1−p) per batch row and head): SA(t) = out_proj(drop(1) ⊙ (W_v t + b_v)) per head; the
 * query and key projections cannot influence the result.
 *
 * <p><b>Cross-attention logits.</b> Per head h with scaled query q_h, the logit of memory token s is
 * q_h·(W_k^h k_s + b_k^h) = (W_k^hᵀ q_h)·k_s + q_h·b_k^h (k_s = memory_s + pos_s); the second term is the same
 * for every s and softmax ignores a constant shift, so one d-vector W_k^hᵀ q_h per head replaces projecting L
 * keys.
 *
 * <p><b>Cross-attention values.</b> With dropped-out weights p'_s (which need not sum to 1),
 * Σ_s p'_s (W_v^h m_s + b_v^h) = W_v^h (Σ_s p'_s m_s) + (Σ_s p'_s) b_v^h: pool the raw memory, project once.
 */
public final class TrainForward {
    private static final String DETR = "detr_transformer.";

    private TrainForward() {}

    /** True when the rewritten decoder applies (one moment query, no center-only prediction). */
    public static boolean applies(MadeConfig c) {
        return c.numMomentQueries() == 1 && !c.predictCenter();
    }

    /** The same outputs as {@link MadeNetwork#forward} (memory included); falls back to it when not applicable. */
    public static MadeOutput forward(MadeNetwork net, MadeInputs in, boolean training) {
        MadeConfig c = net.config();
        if (!applies(c)) {
            return net.forward(in, training);
        }
        MadeNetwork.Encoded v = net.encodeVideo(in.frameFeats(), in.frameMasks(), training);
        MadeNetwork.Encoded mu = net.encodeMusic(in.segmentFeats(), in.segmentMasks(), training);
        boolean needPooled = c.retrievalScore().usesSingle() || c.momentQuery().usesXPool();
        NDArray pooled = needPooled ? net.xpool(v.vector(), mu.tokens(), mu.mask(), training) : null;
        NDArray dual = c.retrievalScore().usesDual() ? MadeNetwork.dualSimilarity(v.vector(), mu.vector()) : null;
        NDArray single = c.retrievalScore().usesSingle() ? MadeNetwork.singleSimilarity(v.vector(), pooled) : null;
        NDArray sim = switch (c.retrievalScore()) {
            case DUAL -> dual;
            case SINGLE -> single;
            case BOTH -> dual.add(single);
        };
        Detected det = detect(net, v, mu, pooled, training);
        return new MadeOutput(v.tokens(), mu.tokens(), v.vector(), mu.vector(), pooled, dual, single, sim,
                det.memory, det.hidden, det.heads.logits(), det.heads.spans(), det.heads.projQueries(), det.projVid,
                det.heads.logits().get(det.layers - 1), det.heads.spans().get(det.layers - 1));
    }

    /** Detection outputs of encoded pairs. */
    record Detected(NDArray memory, NDArray hidden, MadeNetwork.Heads heads, NDArray projVid, long layers) {}

    static Detected detect(MadeNetwork net, MadeNetwork.Encoded v, MadeNetwork.Encoded mu, NDArray pooled,
            boolean training) {
        MadeParams p = net.params();
        NDArray target = net.initialQueries(v.vector(), mu.vector(), pooled);
        MadeNetwork.DetrMemory mem = net.detrEncode(v.tokens(), v.mask(), mu.tokens(), mu.mask(), training);
        NDArray hidden = decode(net, mem, target, training);
        MadeNetwork.Heads h = net.heads(hidden, null);
        NDArray projVid = Ops.l2normalize(Ops.linear(v.tokens(), p.get("contrastive_align_projection_vid.weight"),
                p.get("contrastive_align_projection_vid.bias")));
        return new Detected(mem.memory(), hidden, h, projVid, hidden.getShape().get(0));
    }

    /** Decoder layers' outputs after decoder.norm, [L, B, 1, d], for one query per row. */
    static NDArray decode(MadeNetwork net, MadeNetwork.DetrMemory mem, NDArray target, boolean training) {
        MadeConfig c = net.config();
        MadeParams p = net.params();
        NDManager m = target.getManager();
        long b = target.getShape().get(0);
        int d = c.dModel();
        float eps = c.layerNormEps();
        float dr = c.detrDropout();
        // a [1, d] reshape of the parameter, moved to the step's manager (it would stay with the parameters')
        NDArray qpos = p.get("decoder_query_embed.weight").reshape(1, d);
        qpos.attach(m);
        NDArray t = target.reshape(b, d);
        NDArray[] hidden = new NDArray[c.detrDecoderLayers()];
        for (int l = 0; l < c.detrDecoderLayers(); l++) {
            String pre = DETR + "decoder.layers." + l + ".";
            NDArray sa = selfAttention(p, c, t, pre + "self_attn.", dr, training, m);
            t = Ops.layerNorm(t.add(Ops.dropout(sa, dr, training)), p.get(pre + "norm1.weight"),
                    p.get(pre + "norm1.bias"), eps);
            NDArray ca = crossAttention(p, c, t.add(qpos), mem, pre + "multihead_attn.", dr, training, m);
            t = Ops.layerNorm(t.add(Ops.dropout(ca, dr, training)), p.get(pre + "norm2.weight"),
                    p.get(pre + "norm2.bias"), eps);
            NDArray f = Ops.relu(Ops.linear(t, p.get(pre + "linear1.weight"), p.get(pre + "linear1.bias")));
            f = Ops.linear(Ops.dropout(f, dr, training), p.get(pre + "linear2.weight"), p.get(pre + "linear2.bias"));
            t = Ops.layerNorm(t.add(Ops.dropout(f, dr, training)), p.get(pre + "norm3.weight"),
                    p.get(pre + "norm3.bias"), eps);
            hidden[l] = Ops.layerNorm(t, p.get(DETR + "decoder.norm.weight"), p.get(DETR + "decoder.norm.bias"), eps)
                    .reshape(b, 1, d);
        }
        return NDArrays.stack(new NDList(hidden), 0);
    }

    private static NDArray selfAttention(MadeParams p, MadeConfig c, NDArray t, String pre, float dr,
            boolean training, NDManager m) {
        int d = c.dModel();
        int heads = c.detrHeads();
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

    private static NDArray crossAttention(MadeParams p, MadeConfig c, NDArray query, MadeNetwork.DetrMemory mem,
            String pre, float dr, boolean training, NDManager m) {
        int d = c.dModel();
        int heads = c.detrHeads();
        int dh = d / heads;
        long b = query.getShape().get(0);
        NDArray inW = p.get(pre + "in_proj_weight");
        NDArray inB = p.get(pre + "in_proj_bias");
        NDArray wq = Ops.rows(inW, 0, d, m);
        NDArray bq = Ops.rows(inB, 0, d, m);
        NDArray wk = Ops.rows(inW, d, 2L * d, m).reshape(heads, dh, d);
        NDArray wv = Ops.rows(inW, 2L * d, 3L * d, m).reshape(heads, dh, d);
        NDArray bv = Ops.rows(inB, 2L * d, 3L * d, m).reshape(1, heads, dh);
        NDArray q = Ops.mul(Ops.linear(query, wq, bq), (float) (1.0 / Math.sqrt(dh))).reshape(b, heads, dh)
                .transpose(1, 0, 2); // [H, B, dh]
        NDArray r = q.matMul(wk).transpose(1, 0, 2); // [B, H, d] = W_k^hᵀ q_h
        NDArray logits = r.matMul(mem.memoryPos().transpose(0, 2, 1)); // [B, H, L]
        long len = logits.getShape().get(2);
        logits = logits.add(mem.keyBias().reshape(b, 1, len));
        NDArray prob = logits.softmax(-1).mul(mem.rowGuard().reshape(b, 1, 1));
        prob = Ops.dropout(prob, dr, training);
        NDArray pooledMem = prob.matMul(mem.memory()).transpose(1, 0, 2); // [H, B, d]
        NDArray o = pooledMem.matMul(wv.transpose(0, 2, 1)).transpose(1, 0, 2); // [B, H, dh]
        NDArray mass = training && dr > 0f ? prob.sum(new int[] {2}, true) // [B, H, 1]: Σ_s p'_s
                : mem.rowGuard().reshape(b, 1, 1);
        o = o.add(bv.mul(mass)).reshape(b, d);
        return Ops.linear(o, p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"));
    }
}
