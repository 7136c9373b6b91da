package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mgsv.model.Attention;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeParams;
import org.mgsv.model.MatmulPrecision;
import org.mgsv.model.NativeMemory;
import org.mgsv.model.Ops;
import org.mgsv.model.XPool;

/**
 * Inference-only X-Pool similarity cos(h(v), h1(M|v)) for many (music, video) pairs at O(S·d) per pair, never
 * forming the d-dimensional pooled vector of a pair. Everything that does not depend on the video is computed
 * once per music ({@link MusicSide}), everything that does not depend on the music once per video
 * ({@link VideoSide}). Each step below is exact algebra; {@code XPoolScorerTest} proves each against the plain
 * computation of {@link org.mgsv.model.MadeNetwork#xpool}.
 *
 * <p>Its products run in float32 whatever {@link MatmulPrecision} says ({@link MatmulPrecision#fp32Here}): they
 * are small (per-music d×d and S×S blocks), so bf16 casts would cost more than they save, and the ground truth's
 * score (pass 1 of the evaluator) and every other music's (pass 2) must come from the same arithmetic.
 *
 * <p>Notation: k̃_s = LN1(segment token s) ({@link XPool#music}, once per music), q̃ = LN1(h(v)), p_s = softmax
 * over valid s of u·k̃_s with u = W_kᵀ(W_q q̃ + b_q)/√d ({@link XPool#query}, once per video: the keys folded into
 * the query as in {@link XPool}).
 *
 * <p><b>(1) Fold out_proj∘W_v.</b> a = W_o(Σ_s p_s (W_v k̃_s + b_v)) + b_o = Σ_s p_s u_s with
 * u_s = (W_o W_v) k̃_s + (W_o b_v + b_o), because Σ_s p_s = 1. u_s is computed once per music segment.
 *
 * <p><b>(2) LayerNorm-2 through the pooling.</b> mean(a) = Σ p_s mean(u_s), so a − mean(a)·1 = Σ p_s ū_s with
 * ū_s = u_s − mean(u_s)·1 (centred per segment, once per music), and the biased variance is
 * ‖Σ p ū‖²/d = pᵀ Ḡ p / d with the per-music Gram matrix Ḡ = Ū Ūᵀ [S×S]: σ_a = √(pᵀḠp/d + ε).
 *
 * <p><b>(3) The affine maps after LayerNorm-2.</b> a' = γ2⊙(a − mean a)/σ_a + β2 and
 * z = a' + W_l a' + b_l = M(a − mean a)/σ_a + c with M = (I + W_l) diag(γ2), c = (I + W_l) β2 + b_l. By
 * linearity M Σ p_s ū_s = Σ p_s (M ū_s), so with w̄_s = M ū_s − mean(M ū_s)·1 (per segment, once per music) and
 * c̄ = c − mean(c): z − mean(z)·1 = Y/σ_a + c̄, Y = Σ p_s w̄_s.
 *
 * <p><b>(4) LayerNorm-3 and the cosine without forming Y.</b> With z̄ = Y/σ_a + c̄, D = diag(γ3²):
 * ‖z̄‖² = pᵀG_w p/σ_a² + 2 pᵀ(W̄c̄)/σ_a + ‖c̄‖² (G_w = W̄W̄ᵀ), σ_z = √(‖z̄‖²/d + ε), h1 = γ3⊙z̄/σ_z + β3;
 * h·h1 = ((γ3⊙h)·Y/σ_a + (γ3⊙h)·c̄)/σ_z + h·β3 where (γ3⊙h)·Y = p·(W̄ (γ3⊙h)) [one S×d product per pair];
 * ‖h1‖² = (pᵀG_γ p/σ_a² + 2 pᵀ(W̄Dc̄)/σ_a + c̄ᵀDc̄)/σ_z² + 2 (pᵀ(W̄(γ3⊙β3))/σ_a + (γ3⊙β3)·c̄)/σ_z + ‖β3‖²
 * with G_γ = W̄ D W̄ᵀ. Per pair this costs the logits (S·d), W̄(γ3⊙h) (S·d) and three S×S quadratic forms —
 * instead of the plain O(S·d + d²) (value pooling, out_proj, linear_proj, two LayerNorms on d-vectors).
 * Dropout is off in inference, so Dropout_0.3(linear_proj(a')) = linear_proj(a').
 */
public final class XPoolScorer {
    private final MadeConfig c;
    private final MadeParams p;
    private final XPool xp;
    private final float eps;
    private final int d;
    // derived constants (owned by this scorer's manager)
    private final NDManager own;
    private final NDArray wov;   // W_o W_v [d,d]
    private final NDArray bov;   // W_o b_v + b_o [d]
    private final NDArray mMat;  // M = (I + W_l) diag(γ2) [d,d]
    private final float[] cbar;  // c̄ [d]
    private final float[] g3;    // γ3
    private final float[] b3;    // β3
    private final double cc;     // ‖c̄‖²
    private final double cdc;    // c̄ᵀ D c̄
    private final double gbc;    // (γ3⊙β3)·c̄
    private final double bb;     // ‖β3‖²

    public XPoolScorer(MadeParams params, NDManager parent) {
        this.p = params;
        this.c = params.config();
        this.eps = c.layerNormEps();
        this.d = c.dModel();
        this.own = parent.newSubManager();
        this.xp = new XPool(params);
        // copies owned by this scorer, so no derived temporary lands in the parameters' manager
        NDArray wv = copy(xp.w(XPool.V));
        NDArray bv = copy(xp.b(XPool.V));
        NDArray wo = copy(xp.w(XPool.OUT));
        NDArray bo = copy(xp.b(XPool.OUT));
        wov = keep(wo.matMul(wv));
        bov = keep(wo.matMul(bv.reshape(d, 1)).reshape(d).add(bo));
        NDArray wl = copy(xp.w(XPool.LINEAR));
        NDArray bl = copy(xp.b(XPool.LINEAR));
        NDArray g2 = copy(xp.w(XPool.LN2));
        NDArray b2 = copy(xp.b(XPool.LN2));
        NDArray ipl = keep(own.eye(d).add(wl));
        mMat = keep(ipl.mul(g2.reshape(1, d)));
        NDArray cvec = ipl.matMul(b2.reshape(d, 1)).reshape(d).add(bl);
        cvec = cvec.sub(cvec.mean());
        cvec.attach(own);
        cbar = cvec.toFloatArray();
        g3 = xp.w(XPool.LN3).toFloatArray();
        b3 = xp.b(XPool.LN3).toFloatArray();
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        for (int i = 0; i < d; i++) {
            s1 += (double) cbar[i] * cbar[i];
            s2 += (double) g3[i] * g3[i] * cbar[i] * cbar[i];
            s3 += (double) g3[i] * b3[i] * cbar[i];
            s4 += (double) b3[i] * b3[i];
        }
        cc = s1;
        cdc = s2;
        gbc = s3;
        bb = s4;
    }

    private NDArray copy(NDArray param) {
        NDArray x = param.duplicate();
        x.attach(own);
        return x;
    }

    private NDArray keep(NDArray x) {
        x.attach(own);
        return x;
    }

    /** Per-music precomputation for a chunk of Mc musics (arrays attached to the tokens' manager). */
    public record MusicSide(NDArray keys, NDArray wbar, NDArray grams, NDArray lins, NDArray maskBias, NDArray vector) {
        public long size() {
            return keys.getShape().get(0);
        }
    }

    /** Per-video precomputation for Nv videos. */
    public record VideoSide(NDArray query, NDArray vector, NDArray gammaH, float[] hb, float[] hc) {
        public long size() {
            return query.getShape().get(0);
        }
    }

    /** LN1 of the segment tokens k̃ (the logits' keys), and the folded/centred tokens w̄ with their Gram matrices. */
    public MusicSide prepareMusics(NDArray segmentTokens, NDArray segmentMasks, NDArray musicVec) {
        try (MatmulPrecision.Scope fp32 = MatmulPrecision.fp32Here()) {
            return prepareMusicsFp32(segmentTokens, segmentMasks, musicVec);
        }
    }

    private MusicSide prepareMusicsFp32(NDArray segmentTokens, NDArray segmentMasks, NDArray musicVec) {
        NDManager m = segmentTokens.getManager();
        long mc = segmentTokens.getShape().get(0);
        long s = segmentTokens.getShape().get(1);
        NDArray kt = xp.music(segmentTokens, segmentMasks).tokens(); // [Mc,S,d]
        NDArray keys = kt;
        NDArray ubar = centred(foldedValues(kt)); // (1)+(2): ū_s [Mc,S,d]
        NDArray wbar = centred(Ops.linear(ubar, mMat, null)); // (3): w̄_s = M ū_s centred
        NDArray gu = ubar.matMul(ubar.transpose(0, 2, 1)); // Ḡ [Mc,S,S]
        NDArray gw = wbar.matMul(wbar.transpose(0, 2, 1)); // G_w
        NDArray g3a = NativeMemory.owned(m, g3, new Shape(1, 1, d));
        NDArray gg = wbar.mul(g3a.mul(g3a)).matMul(wbar.transpose(0, 2, 1)); // G_γ = W̄ D W̄ᵀ
        NDArray grams = NDArrays.concat(new NDList(gu, gw, gg), 1); // [Mc,3S,S], each block symmetric
        float[] v1 = cbar;
        float[] v2 = new float[d];
        float[] v3 = new float[d];
        for (int i = 0; i < d; i++) {
            v2[i] = g3[i] * g3[i] * cbar[i];
            v3[i] = g3[i] * b3[i];
        }
        float[] lv = new float[3 * d];
        for (int i = 0; i < d; i++) {
            lv[i * 3] = v1[i];
            lv[i * 3 + 1] = v2[i];
            lv[i * 3 + 2] = v3[i];
        }
        // [Mc,3,S]: W̄c̄, W̄Dc̄, W̄(γ3⊙β3)
        NDArray lins = wbar.matMul(NativeMemory.owned(m, lv, new Shape(d, 3))).transpose(0, 2, 1);
        NDArray mask = segmentMasks.toType(DataType.FLOAT32, false);
        NDArray bias = Attention.keyBias(mask).reshape(mc, 1, s);
        return new MusicSide(keys, wbar, grams, lins, bias, Ops.l2normalize(musicVec));
    }

    /** (1) u_s = (W_o W_v) k̃_s + (W_o b_v + b_o). */
    NDArray foldedValues(NDArray kt) {
        return Ops.linear(kt, wov, bov);
    }

    private static NDArray centred(NDArray x) {
        return x.sub(x.mean(new int[] {-1}, true));
    }

    /** u = W_kᵀ(W_q LN1(h) + b_q)/√d, h normalised, γ3⊙h, h·β3 and (γ3⊙h)·c̄ for each video. videoVec [Nv,d]. */
    public VideoSide prepareVideos(NDArray videoVec) {
        try (MatmulPrecision.Scope fp32 = MatmulPrecision.fp32Here()) {
            return prepareVideosFp32(videoVec);
        }
    }

    private VideoSide prepareVideosFp32(NDArray videoVec) {
        NDManager m = videoVec.getManager();
        NDArray h = Ops.l2normalize(videoVec);
        NDArray q = xp.query(videoVec);
        NDArray gh = h.mul(NativeMemory.owned(m, g3, new Shape(1, d)));
        NDArray hb = h.matMul(NativeMemory.owned(m, b3, new Shape(d, 1))).reshape(-1);
        NDArray hc = gh.matMul(NativeMemory.owned(m, cbar, new Shape(d, 1))).reshape(-1);
        return new VideoSide(q, h, gh, hb.toFloatArray(), hc.toFloatArray());
    }

    /** A block of videos [from, to) of a prepared side (views; no copy of the per-video floats). */
    public static VideoSide slice(VideoSide v, int from, int to) {
        ai.djl.ndarray.index.NDIndex ix = new ai.djl.ndarray.index.NDIndex(from + ":" + to);
        return new VideoSide(v.query().get(ix), v.vector().get(ix), v.gammaH().get(ix),
                java.util.Arrays.copyOfRange(v.hb(), from, to), java.util.Arrays.copyOfRange(v.hc(), from, to));
    }

    /**
     * Scores of every (music, video) pair of the two sides: {@code single[mi * Nv + vi]} = cos(h(v), h1(M|v)) and
     * {@code dual[...]} = cos(h(v), h0(M)). Temporaries are attached to {@code m}.
     */
    public Block score(MusicSide ms, VideoSide vs, NDManager m) {
        try (MatmulPrecision.Scope fp32 = MatmulPrecision.fp32Here()) {
            return scoreFp32(ms, vs, m);
        }
    }

    private Block scoreFp32(MusicSide ms, VideoSide vs, NDManager m) {
        long mc = ms.size();
        long nv = vs.size();
        long s = ms.keys().getShape().get(1);
        long dd = ms.keys().getShape().get(2);
        // layout [Mc, S, Nv] throughout: one GEMM per product, no transposed copies
        NDArray logits = ms.keys().reshape(mc * s, dd).matMul(vs.query().transpose()).reshape(mc, s, nv);
        NDArray prob = logits.addi(ms.maskBias().reshape(mc, s, 1)).softmax(1); // softmax over segments
        // the three Gram matrices are symmetric: [Mc, 3S, S] · P = their products with p, then pᵀ(G p)
        NDArray q3 = ms.grams().matMul(prob).reshape(mc, 3, s, nv).muli(prob.expandDims(1)).sum(new int[] {2}); // [Mc,3,Nv]
        NDArray l3 = ms.lins().matMul(prob); // [Mc,3,Nv]
        NDArray t = ms.wbar().reshape(mc * s, dd).matMul(vs.gammaH().transpose()).reshape(mc, s, nv)
                .muli(prob).sum(new int[] {1}); // [Mc,Nv]
        NDArray dual = ms.vector().matMul(vs.vector().transpose()); // [Mc,Nv]
        float[] fq = q3.toFloatArray();
        float[] fl = l3.toFloatArray();
        float[] ft = t.toFloatArray();
        float[] single = new float[(int) (mc * nv)];
        for (int mi = 0; mi < mc; mi++) {
            int b3 = (int) (mi * 3 * nv);
            for (int vi = 0; vi < nv; vi++) {
                int k = (int) (mi * nv + vi);
                double qa = fq[b3 + vi];
                double qw = fq[(int) (b3 + nv + vi)];
                double qg = fq[(int) (b3 + 2 * nv + vi)];
                double lw = fl[b3 + vi];
                double lg = fl[(int) (b3 + nv + vi)];
                double lb = fl[(int) (b3 + 2 * nv + vi)];
                double sa = Math.sqrt(Math.max(qa, 0) / d + eps);
                double nz2 = qw / (sa * sa) + 2 * lw / sa + cc;
                double sz = Math.sqrt(Math.max(nz2, 0) / d + eps);
                double dot = (ft[k] / sa + vs.hc()[vi]) / sz + vs.hb()[vi];
                double sg = qg / (sa * sa) + 2 * lg / sa + cdc;
                double sgb = lb / sa + gbc;
                double n2 = sg / (sz * sz) + 2 * sgb / sz + bb;
                single[k] = (float) (dot / Math.sqrt(Math.max(n2, 1e-24)));
            }
        }
        return new Block((int) mc, (int) nv, single, dual.toFloatArray());
    }

    /** Music-major scores of a block: index mi * videos + vi. */
    public record Block(int musics, int videos, float[] single, float[] dual) {}

    public void close() {
        own.close();
    }
}
