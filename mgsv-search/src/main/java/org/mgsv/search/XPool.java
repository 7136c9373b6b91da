package org.mgsv.search;

import java.util.Arrays;

/**
 * The X-Pool matching block of MaDe (MADE.md §2 "Matching") in plain Java, for one video vector against many
 * tracks: h1(M|v) = LN3(a + linear_proj(a)), a = LN2(out_proj(Σ_s softmax_s(W_q LN1(h(v)) · W_k LN1(t_s) / √d)
 * · W_v LN1(t_s))), single = cos(h(v), h1). Inference mode (no dropout). The query-side products are computed
 * once per video (the key projection is folded into the query: (W_q q)·(W_k k) = (W_kᵀ W_q q)·k + const), so a
 * track costs one pass over its tokens plus three d×d products.
 *
 * <p>{@link #identity(int)} is the reference initialisation (every projection the identity, biases 0, LayerNorms
 * 1/0).
 */
public final class XPool {
    private final int d;
    final float[] ln1g, ln1b, wq, bq, wk, bk, wv, bv, wo, bo, ln2g, ln2b, wl, bl, ln3g, ln3b;

    public XPool(int d, float[] ln1g, float[] ln1b, float[] wq, float[] bq, float[] wk, float[] bk, float[] wv,
            float[] bv, float[] wo, float[] bo, float[] ln2g, float[] ln2b, float[] wl, float[] bl, float[] ln3g,
            float[] ln3b) {
        this.d = d;
        this.ln1g = ln1g;
        this.ln1b = ln1b;
        this.wq = wq;
        this.bq = bq;
        this.wk = wk;
        this.bk = bk;
        this.wv = wv;
        this.bv = bv;
        this.wo = wo;
        this.bo = bo;
        this.ln2g = ln2g;
        this.ln2b = ln2b;
        this.wl = wl;
        this.bl = bl;
        this.ln3g = ln3g;
        this.ln3b = ln3b;
    }

    public static XPool identity(int d) {
        float[] eye = new float[d * d];
        for (int i = 0; i < d; i++) {
            eye[i * d + i] = 1f;
        }
        float[] one = new float[d];
        Arrays.fill(one, 1f);
        float[] zero = new float[d];
        return new XPool(d, one, zero, eye, zero, eye, zero, eye, zero, eye, zero, one, zero, eye, zero, one, zero);
    }

    /** The per-video part of the computation. */
    public final class Query {
        final float[] hv;
        final float[] u;

        Query(float[] hv) {
            this.hv = hv;
            float[] q = VecMath.layerNorm(hv, ln1g, ln1b);
            float[] qp = VecMath.matVec(wq, d, d, q, bq);
            float[] uu = VecMath.matTVec(wk, d, d, qp);
            float inv = (float) (1.0 / Math.sqrt(d));
            for (int i = 0; i < d; i++) {
                uu[i] *= inv;
            }
            this.u = uu;
        }

        /** single score against one track's tokens [S][d] and mask. */
        /** {@link #score} for each catalog track, in order. */
        public float[] scoreAll(java.util.List<org.mgsv.search.catalog.TrackRecord> tracks) {
            float[] out = new float[tracks.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = score(tracks.get(i).tokens(), tracks.get(i).mask());
            }
            return out;
        }

        public float score(float[][] tokens, float[] mask) {
            int s = tokens.length;
            float[][] k = new float[s][];
            float[] logits = new float[s];
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < s; i++) {
                if (mask[i] == 0) {
                    continue;
                }
                k[i] = VecMath.layerNorm(tokens[i], ln1g, ln1b);
                logits[i] = VecMath.dot(u, k[i]);
                max = Math.max(max, logits[i]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                return 0f; // no valid segment: nothing to attend to
            }
            double z = 0;
            float[] p = new float[s];
            for (int i = 0; i < s; i++) {
                if (k[i] != null) {
                    p[i] = (float) Math.exp(logits[i] - max);
                    z += p[i];
                }
            }
            float[] kbar = new float[d];
            for (int i = 0; i < s; i++) {
                if (k[i] != null) {
                    float w = (float) (p[i] / z);
                    float[] ki = k[i];
                    for (int j = 0; j < d; j++) {
                        kbar[j] += w * ki[j];
                    }
                }
            }
            float[] v = VecMath.matVec(wv, d, d, kbar, bv);
            float[] a = VecMath.matVec(wo, d, d, v, bo);
            a = VecMath.layerNorm(a, ln2g, ln2b);
            float[] lin = VecMath.matVec(wl, d, d, a, bl);
            for (int j = 0; j < d; j++) {
                lin[j] += a[j];
            }
            float[] h1 = VecMath.layerNorm(lin, ln3g, ln3b);
            return VecMath.cosine(hv, h1);
        }
    }

    public Query query(float[] hv) {
        return new Query(hv);
    }

    public int dim() {
        return d;
    }
}
