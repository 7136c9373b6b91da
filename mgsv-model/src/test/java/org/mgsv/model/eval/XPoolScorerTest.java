package org.mgsv.model.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.model.Ops;
import org.mgsv.model.TinyModels;

/** Each X-Pool rewrite of {@link XPoolScorer} against the plain computation (≤ 1e-4). */
class XPoolScorerTest {

    static NDArray tokens(NDManager m, long mc, long s, int d, long seed) {
        Random r = new Random(seed);
        float[] v = new float[(int) (mc * s * d)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, new Shape(mc, s, d));
    }

    static NDArray masks(NDManager m, long mc, long s, long seed) {
        Random r = new Random(seed);
        float[] v = new float[(int) (mc * s)];
        for (int i = 0; i < mc; i++) {
            int valid = 1 + r.nextInt((int) s);
            for (int j = 0; j < valid; j++) {
                v[(int) (i * s + j)] = 1;
            }
        }
        return m.create(v, new Shape(mc, s));
    }

    static double maxAbs(float[] a, float[] b) {
        double x = 0;
        for (int i = 0; i < a.length; i++) {
            x = Math.max(x, Math.abs(a[i] - b[i]));
        }
        return x;
    }

    @Test
    void foldedOutProjTimesValueProjectionEqualsThePlainAttentionOutput() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 1, 0.2f);
            XPoolScorer xs = new XPoolScorer(p, m);
            NDArray kt = tokens(m, 3, c.segmentSlots(), c.dModel(), 2);
            NDArray prob = tokens(m, 3, 5, c.segmentSlots(), 3).softmax(-1); // [Mc, Nv, S] weights summing to 1
            String a = "video_guided_to_music_pooling_cross_transformer.cross_attn.";
            NDArray plainV = Ops.linear(kt, p.get(a + "v_proj.weight"), p.get(a + "v_proj.bias"));
            NDArray plain = Ops.linear(prob.matMul(plainV), p.get(a + "out_proj.weight"), p.get(a + "out_proj.bias"));
            NDArray folded = prob.matMul(xs.foldedValues(kt));
            double diff = maxAbs(plain.toFloatArray(), folded.toFloatArray());
            System.out.printf(Locale.ROOT, "rewrite out_proj∘W_v fold: max|diff| = %.3g%n", diff);
            assertTrue(diff <= 1e-4, "diff " + diff);
        }
    }

    private static void scoresMatchPlain(MadeConfig c, MadeParams p, NDManager m, int nm, int nv, String label) {
        MadeNetwork net = new MadeNetwork(p);
        XPoolScorer xs = new XPoolScorer(p, m);
        NDArray seg = tokens(m, nm, c.segmentSlots(), c.dModel(), 5);
        NDArray mask = masks(m, nm, c.segmentSlots(), 6);
        seg = seg.mul(mask.expandDims(2));
        NDArray vid = tokens(m, 1, nv, c.dModel(), 7).reshape(nv, c.dModel());
        NDArray mvec = Ops.l2normalize(tokens(m, 1, nm, c.dModel(), 8).reshape(nm, c.dModel()));
        // plain: h1 [Nm, Nv, d] then cosine; dual = cos(h, h0)
        NDArray pooled = net.xpool(vid, seg, mask, false);
        float[] plainSingle = MadeNetwork.singleSimilarity(vid, pooled).transpose().toFloatArray(); // music-major
        float[] plainDual = MadeNetwork.dualSimilarity(vid, mvec).transpose().toFloatArray();
        XPoolScorer.Block b = xs.score(xs.prepareMusics(seg, mask, mvec), xs.prepareVideos(vid), m);
        double ds = maxAbs(plainSingle, b.single());
        double dd = maxAbs(plainDual, b.dual());
        System.out.printf(Locale.ROOT, "rewrite X-Pool LN2/LN3 push (%s): single max|diff| = %.3g, dual %.3g%n", label, ds, dd);
        assertTrue(ds <= 1e-4 && dd <= 1e-4, "single " + ds + " dual " + dd);
    }

    @Test
    void layerNormPushAndGramFormsEqualThePlainSingleSimilarity() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            scoresMatchPlain(c, EvalFixtures.perturbed(c, m, 3, 0.3f), m, 5, 7, "tiny, perturbed");
        }
    }

    @Test
    void referenceSizeWithIdentityInitAndPerturbed() {
        MadeConfig c = MadeConfig.reference();
        try (NDManager m = NDManager.newBaseManager()) {
            scoresMatchPlain(c, MadeParams.initialize(c, m, 4), m, 4, 6, "d=256, reference init");
            scoresMatchPlain(c, EvalFixtures.perturbed(c, m, 5, 0.05f), m, 4, 6, "d=256, perturbed");
        }
    }

    @Test
    void scoresAreFloat32UnderAProcessWideBf16Setting() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.mgsv.model.Bf16Kernels.available(),
                () -> "bf16 kernels: " + org.mgsv.model.Bf16Kernels.why());
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 3, 0.3f);
            XPoolScorer xs = new XPoolScorer(p, m);
            NDArray seg = tokens(m, 5, c.segmentSlots(), c.dModel(), 5);
            NDArray mask = masks(m, 5, c.segmentSlots(), 6);
            NDArray vid = tokens(m, 1, 7, c.dModel(), 7).reshape(7, c.dModel());
            NDArray mvec = Ops.l2normalize(tokens(m, 1, 5, c.dModel(), 8).reshape(5, c.dModel()));
            XPoolScorer.Block fp32 = xs.score(xs.prepareMusics(seg, mask, mvec), xs.prepareVideos(vid), m);
            NDArray w = tokens(m, 1, c.dModel(), c.dModel(), 9).reshape(c.dModel(), c.dModel());
            XPoolScorer.Block underBf16;
            float[] bf16Linear;
            try (org.mgsv.model.MatmulPrecision.Scope s = org.mgsv.model.MatmulPrecision.use(
                    org.mgsv.model.MatmulPrecision.BF16)) {
                underBf16 = xs.score(xs.prepareMusics(seg, mask, mvec), xs.prepareVideos(vid), m);
                bf16Linear = Ops.linear(vid, w, null).toFloatArray();
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(fp32.single(), underBf16.single(), "single, bit for bit");
            org.junit.jupiter.api.Assertions.assertArrayEquals(fp32.dual(), underBf16.dual(), "dual, bit for bit");
            // the override is local to the scorer: outside it the process-wide bf16 setting still applies
            float[] fp32Linear = Ops.linear(vid, w, null).toFloatArray();
            assertTrue(maxAbs(fp32Linear, bf16Linear) > 0, "a product outside the scorer ran in bf16");
        }
    }
}
