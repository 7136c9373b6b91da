package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The folded X-Pool equals the textbook computation (MADE.md §2) with random weights. */
class XPoolTest {
    static float[] rnd(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * s);
        }
        return a;
    }

    @Test
    void matchesDirectComputation() {
        int d = 32;
        int s = 10;
        Random r = new Random(11);
        double ws = 1 / Math.sqrt(d);
        XPool x = new XPool(d, rnd(r, d, 1), rnd(r, d, 0.1), rnd(r, d * d, ws), rnd(r, d, 0.1), rnd(r, d * d, ws),
                rnd(r, d, 0.1), rnd(r, d * d, ws), rnd(r, d, 0.1), rnd(r, d * d, ws), rnd(r, d, 0.1), rnd(r, d, 1),
                rnd(r, d, 0.1), rnd(r, d * d, ws), rnd(r, d, 0.1), rnd(r, d, 1), rnd(r, d, 0.1));
        float[] hv = VecMath.normalize(rnd(r, d, 1));
        float[][] tokens = new float[s][];
        float[] mask = new float[s];
        for (int i = 0; i < s; i++) {
            tokens[i] = rnd(r, d, 1);
            mask[i] = i < 7 ? 1 : 0;
        }
        // direct: q = Wq LN1(hv) + bq; k_s = Wk LN1(t_s) + bk; v_s = Wv LN1(t_s) + bv
        float[] q = VecMath.matVec(x.wq, d, d, VecMath.layerNorm(hv, x.ln1g, x.ln1b), x.bq);
        double[] logit = new double[s];
        double max = Double.NEGATIVE_INFINITY;
        float[][] v = new float[s][];
        for (int i = 0; i < s; i++) {
            float[] ln = VecMath.layerNorm(tokens[i], x.ln1g, x.ln1b);
            float[] k = VecMath.matVec(x.wk, d, d, ln, x.bk);
            v[i] = VecMath.matVec(x.wv, d, d, ln, x.bv);
            logit[i] = mask[i] == 0 ? Double.NEGATIVE_INFINITY : VecMath.dot(q, k) / Math.sqrt(d);
            max = Math.max(max, logit[i]);
        }
        double z = 0;
        for (int i = 0; i < s; i++) {
            z += Math.exp(logit[i] - max);
        }
        float[] att = new float[d];
        for (int i = 0; i < s; i++) {
            double p = Math.exp(logit[i] - max) / z;
            for (int j = 0; j < d; j++) {
                att[j] += (float) (p * v[i][j]);
            }
        }
        float[] a = VecMath.layerNorm(VecMath.matVec(x.wo, d, d, att, x.bo), x.ln2g, x.ln2b);
        float[] lin = VecMath.matVec(x.wl, d, d, a, x.bl);
        for (int j = 0; j < d; j++) {
            lin[j] += a[j];
        }
        float[] h1 = VecMath.layerNorm(lin, x.ln3g, x.ln3b);
        float expected = VecMath.cosine(hv, h1);
        assertEquals(expected, x.query(hv).score(tokens, mask), 1e-4);
    }
}
