package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * The X-Pool matching block of MaDe (MADE.md §2 "Matching"): h1(M|v) = LN3(a' + Dropout(linear_proj(a'))),
 * a' = LN2(out_proj(Σ_s p_s (W_v k̃_s + b_v))), p = softmax over the valid segments of q·(W_k k̃_s + b_k),
 * q = (W_q LN1(h(v)) + b_q)/√d, k̃_s = LN1(segment token s). The one kernel that training, MsG evaluation
 * ({@link org.mgsv.model.eval.XPoolScorer} builds its per-pair algebra on {@link #music}) and search run, and the
 * one table of its parameter names.
 *
 * <p>Exact rewrites (equal up to float rounding; {@code XPoolTest} checks them against the textbook computation):
 * <ul>
 *   <li><b>Keys folded into the query.</b> q·(W_k k̃_s + b_k) = (W_kᵀ q)·k̃_s + q·b_k; the second term is the same
 *       for every segment and softmax ignores it, so each video needs one d-vector u = W_kᵀ q and no segment
 *       token is ever projected by W_k. (b_k therefore has no influence on the output, and no gradient.)</li>
 *   <li><b>Values projected after pooling.</b> Σ_s p_s (W_v k̃_s + b_v) = W_v (Σ_s p_s k̃_s) + (Σ_s p_s) b_v, with
 *       Σ_s p_s = 1 (0 for a music without valid segments, whose weights are zeroed): one W_v product per pair
 *       instead of one per segment token.</li>
 * </ul>
 * The music side is the LayerNorm-1 of its tokens ({@link Music}); a pair costs O(S·d) for the logits and the
 * pooling plus three d×d products.
 */
public final class XPool {
    public static final String PREFIX = "video_guided_to_music_pooling_cross_transformer.";
    public static final String LN1 = PREFIX + "layer_norm1";
    public static final String LN2 = PREFIX + "layer_norm2";
    public static final String LN3 = PREFIX + "layer_norm3";
    public static final String Q = PREFIX + "cross_attn.q_proj";
    public static final String K = PREFIX + "cross_attn.k_proj";
    public static final String V = PREFIX + "cross_attn.v_proj";
    public static final String OUT = PREFIX + "cross_attn.out_proj";
    public static final String LINEAR = PREFIX + "linear_proj";
    /** The block's linear layers (weight [d, d] and bias [d] each), in the reference state dict's order. */
    public static final List<String> LINEARS = List.of(Q, K, V, OUT, LINEAR);
    /** The block's LayerNorms (weight and bias [d] each). */
    public static final List<String> LAYER_NORMS = List.of(LN1, LN2, LN3);

    public static String weight(String layer) {
        return layer + ".weight";
    }

    public static String bias(String layer) {
        return layer + ".bias";
    }

    private final MadeParams p;
    private final float eps;
    private final int d;
    private final float dropout;

    public XPool(MadeParams params) {
        this.p = params;
        this.eps = params.config().layerNormEps();
        this.d = params.config().dModel();
        this.dropout = params.config().xpoolDropout();
    }

    /** A parameter of the block by layer and kind ({@code weight(Q)}). */
    public NDArray w(String layer) {
        return p.get(weight(layer));
    }

    public NDArray b(String layer) {
        return p.get(bias(layer));
    }

    /** The music side, which does not depend on the video: k̃ = LN1 of every segment token [Bm, S, d], the mask as float [Bm, S]. */
    public record Music(NDArray tokens, NDArray mask) {}

    public Music music(NDArray segmentTokens, NDArray segmentMasks) {
        return new Music(Ops.layerNorm(segmentTokens, w(LN1), b(LN1), eps), segmentMasks.toType(DataType.FLOAT32, false));
    }

    /** The video side: u = W_kᵀ (W_q LN1(h) + b_q)/√d, [Bv, d] (each row dotted with k̃_s gives the logit of s, up to a constant). */
    public NDArray query(NDArray videoVec) {
        NDArray q = Ops.layerNorm(videoVec, w(LN1), b(LN1), eps);
        NDArray qp = Ops.mul(Ops.linear(q, w(Q), b(Q)), (float) (1.0 / Math.sqrt(d)));
        return Ops.matMul(qp, w(K));
    }

    /** h1(M|v) for every (music, video) pair, [B_musics, B_videos, d]; dropout on linear_proj when training. */
    public NDArray pool(NDArray videoVec, Music mu, boolean training) {
        long bm = mu.tokens().getShape().get(0);
        long s = mu.tokens().getShape().get(1);
        NDArray u = query(videoVec); // [Bv, d]
        NDArray logits = Ops.matMul(u.expandDims(0), mu.tokens().transpose(0, 2, 1)); // [Bm, Bv, S]
        logits = logits.add(Attention.keyBias(mu.mask()).reshape(bm, 1, s));
        NDArray guard = Attention.anyValid(mu.mask()).reshape(bm, 1, 1);
        NDArray pr = logits.softmax(-1).mul(guard);
        NDArray kbar = Ops.matMul(pr, mu.tokens()); // [Bm, Bv, d]: Σ_s p_s k̃_s
        NDArray att = Ops.linear(kbar, w(V), null).add(guard.mul(b(V))); // W_v k̄ + (Σ p) b_v
        NDArray o = Ops.linear(att, w(OUT), b(OUT));
        o = Ops.layerNorm(o, w(LN2), b(LN2), eps);
        NDArray lin = Ops.linear(o, w(LINEAR), b(LINEAR));
        NDArray out = o.add(Ops.dropout(lin, dropout, training));
        return Ops.layerNorm(out, w(LN3), b(LN3), eps);
    }
}
