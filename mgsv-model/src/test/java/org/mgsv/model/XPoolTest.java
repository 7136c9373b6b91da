package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link XPool} (keys folded into the query, values projected after pooling) equals the textbook computation
 * (MADE.md §2: every segment token projected by W_k and W_v) with random weights and non-zero biases: the pooled
 * vectors, and the gradients with respect to the video vectors, the segment tokens and every parameter of the block.
 * One music has no valid segment (the fully-masked guard).
 */
class XPoolTest {
    private static final int BM = 4;
    private static final int BV = 3;

    private record Run(float[] out, float[] gVideo, float[] gTokens, Map<String, float[]> gParams) {}

    private static NDArray rnd(NDManager m, Random r, Shape s, double scale) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return m.create(v, s);
    }

    /** The block with every weight and bias random (the reference init is the identity, which hides slips). */
    private static MadeParams randomBlock(MadeConfig c, NDManager m) {
        MadeParams p = MadeParams.initialize(c, m, 3);
        Random r = new Random(5);
        int d = c.dModel();
        for (String layer : XPool.LINEARS) {
            p.set(XPool.weight(layer), rnd(m, r, new Shape(d, d), 1 / Math.sqrt(d)));
            p.set(XPool.bias(layer), rnd(m, r, new Shape(d), 0.3));
        }
        for (String layer : XPool.LAYER_NORMS) {
            p.set(XPool.weight(layer), rnd(m, r, new Shape(d), 0.3).add(1f));
            p.set(XPool.bias(layer), rnd(m, r, new Shape(d), 0.3));
        }
        return p;
    }

    private static NDArray textbook(XPool x, MadeConfig c, NDArray video, NDArray tokens, NDArray mask) {
        float eps = c.layerNormEps();
        int d = c.dModel();
        long s = tokens.getShape().get(1);
        NDArray kt = Ops.layerNorm(tokens, x.w(XPool.LN1), x.b(XPool.LN1), eps);
        NDArray q = Ops.linear(Ops.layerNorm(video, x.w(XPool.LN1), x.b(XPool.LN1), eps), x.w(XPool.Q), x.b(XPool.Q))
                .div((float) Math.sqrt(d));
        NDArray k = Ops.linear(kt, x.w(XPool.K), x.b(XPool.K)); // [Bm,S,d]
        NDArray v = Ops.linear(kt, x.w(XPool.V), x.b(XPool.V));
        NDArray logits = q.expandDims(0).matMul(k.transpose(0, 2, 1)).add(Attention.keyBias(mask).reshape(BM, 1, s));
        NDArray pr = logits.softmax(-1).mul(Attention.anyValid(mask).reshape(BM, 1, 1));
        NDArray a = Ops.linear(pr.matMul(v), x.w(XPool.OUT), x.b(XPool.OUT));
        a = Ops.layerNorm(a, x.w(XPool.LN2), x.b(XPool.LN2), eps);
        NDArray out = a.add(Ops.linear(a, x.w(XPool.LINEAR), x.b(XPool.LINEAR)));
        return Ops.layerNorm(out, x.w(XPool.LN3), x.b(XPool.LN3), eps);
    }

    private static Run run(boolean folded) {
        MadeConfig c = TinyModels.tiny().build();
        int d = c.dModel();
        int s = c.segmentSlots();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = randomBlock(c, m);
            p.attachGradients();
            XPool x = new XPool(p);
            Random r = new Random(9);
            NDArray video = rnd(m, r, new Shape(BV, d), 1);
            NDArray tokens = rnd(m, r, new Shape(BM, s, d), 1);
            float[] mk = new float[BM * s];
            int[] valid = {s, 3, 0, 1}; // music 2 has no valid segment
            for (int i = 0; i < BM; i++) {
                for (int j = 0; j < valid[i]; j++) {
                    mk[i * s + j] = 1;
                }
            }
            NDArray mask = m.create(mk, new Shape(BM, s));
            NDArray weight = rnd(m, r, new Shape(BM, BV, d), 1);
            video.setRequiresGradient(true);
            tokens.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = folded ? x.pool(video, x.music(tokens, mask), false) : textbook(x, c, video, tokens, mask);
                gc.backward(out.mul(weight).sum());
            }
            Map<String, float[]> g = new HashMap<>();
            for (String layer : concat(XPool.LINEARS, XPool.LAYER_NORMS)) {
                for (String n : List.of(XPool.weight(layer), XPool.bias(layer))) {
                    g.put(n, p.get(n).getGradient().toFloatArray());
                }
            }
            return new Run(out.toFloatArray(), video.getGradient().toFloatArray(), tokens.getGradient().toFloatArray(), g);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double w = 0;
        for (int i = 0; i < a.length; i++) {
            w = Math.max(w, Math.abs(a[i] - b[i]));
        }
        return w;
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s = Math.max(s, Math.abs(v));
        }
        return s;
    }

    @Test
    void foldedBlockEqualsTheTextbookComputationWithGradients() {
        Run plain = run(false);
        Run folded = run(true);
        double out = maxAbs(plain.out(), folded.out());
        double gv = maxAbs(plain.gVideo(), folded.gVideo());
        double gt = maxAbs(plain.gTokens(), folded.gTokens());
        System.out.printf(java.util.Locale.ROOT, "X-Pool folded vs textbook: output %.3g, ∂video %.3g, ∂tokens %.3g%n", out, gv, gt);
        assertTrue(out < 1e-5, "output " + out);
        assertTrue(gv < 1e-5 * Math.max(1, norm(plain.gVideo())), "video gradient " + gv);
        assertTrue(gt < 1e-5 * Math.max(1, norm(plain.gTokens())), "token gradient " + gt);
        double worst = 0;
        for (Map.Entry<String, float[]> e : plain.gParams().entrySet()) {
            float[] f = folded.gParams().get(e.getKey());
            double diff = maxAbs(e.getValue(), f) / Math.max(1, norm(e.getValue()));
            worst = Math.max(worst, diff);
            assertTrue(diff < 1e-5, e.getKey() + " gradient " + diff);
        }
        System.out.printf(java.util.Locale.ROOT, "X-Pool folded vs textbook: parameter gradients %.3g (relative to max(1, max|g|))%n", worst);
        // b_k shifts every logit of a pair equally: no influence, no gradient (textbook: rounding only)
        assertTrue(norm(plain.gParams().get(XPool.bias(XPool.K))) < 1e-4);
        assertEquals(0.0, norm(folded.gParams().get(XPool.bias(XPool.K))));
        // the music without valid segments pools nothing: its rows are LN3 of the biases alone, in both
        assertTrue(norm(plain.out()) > 0.1);
    }
}
