package org.mgsv.model.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.mgsv.model.Attention;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.model.TinyModels;

/** The single-query decoder rewrites of {@link FastDecoder} against the plain attention (≤ 1e-4). */
class FastDecoderTest {

    static double maxAbs(NDArray a, NDArray b) {
        return a.sub(b.reshape(a.getShape())).abs().max().getFloat();
    }

    private record Setup(MadeNetwork net, MadeNetwork.DetrMemory mem, NDArray target) {}

    private static Setup setup(MadeConfig c, MadeParams p, NDManager m) {
        MadeNetwork net = new MadeNetwork(p);
        MadeInputs in = TinyModels.inputs(m, c, 3, 9);
        MadeNetwork.Encoded v = net.encodeVideo(in.frameFeats(), in.frameMasks(), false);
        MadeNetwork.Encoded mu = net.encodeMusic(in.segmentFeats(), in.segmentMasks(), false);
        MadeNetwork.DetrMemory mem = net.detrEncode(v.tokens(), v.mask(), mu.tokens(), mu.mask(), false);
        return new Setup(net, mem, net.initialQueries(v.vector(), mu.vector(), null));
    }

    @Test
    void singleQuerySelfAttentionIsOutProjOfTheValue() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 1, 0.2f);
            FastDecoder fd = new FastDecoder(p);
            NDArray t = XPoolScorerTest.tokens(m, 1, 4, c.dModel(), 3).reshape(4, c.dModel());
            NDArray qpos = p.get("decoder_query_embed.weight");
            String pre = "detr_transformer.decoder.layers.0.self_attn.";
            NDArray t3 = t.reshape(4, 1, c.dModel());
            NDArray tq = t3.add(qpos.expandDims(0));
            NDArray plain = Attention.mha(tq, tq, t3, p.get(pre + "in_proj_weight"), p.get(pre + "in_proj_bias"),
                    p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"), c.detrHeads(), null, null, 0f, false, m);
            double diff = maxAbs(plain, fd.selfAttention(t, pre, false, m));
            System.out.printf(Locale.ROOT, "rewrite decoder SA with one query: max|diff| = %.3g%n", diff);
            assertTrue(diff <= 1e-4, "diff " + diff);
        }
    }

    @Test
    void crossAttentionWithoutProjectingTheMemoryEqualsPlain() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 2, 0.2f);
            Setup s = setup(c, p, m);
            FastDecoder fd = new FastDecoder(p);
            String pre = "detr_transformer.decoder.layers.1.multihead_attn.";
            long b = s.target().getShape().get(0);
            NDArray q = s.target().reshape(b, c.dModel()).add(p.get("decoder_query_embed.weight"));
            NDArray plain = Attention.mha(q.reshape(b, 1, c.dModel()), s.mem().memoryPos(), s.mem().memory(),
                    p.get(pre + "in_proj_weight"), p.get(pre + "in_proj_bias"), p.get(pre + "out_proj.weight"),
                    p.get(pre + "out_proj.bias"), c.detrHeads(), s.mem().keyBias(), s.mem().rowGuard(), 0f, false, m);
            double diff = maxAbs(plain, fd.crossAttention(q, s.mem(), pre, false, m));
            System.out.printf(Locale.ROOT, "rewrite decoder cross-attention (W_k^T q, W_v after pooling): max|diff| = %.3g%n", diff);
            assertTrue(diff <= 1e-4, "diff " + diff);
        }
    }

    @Test
    void wholeDecoderEqualsPlainAtReferenceSize() {
        MadeConfig c = MadeConfig.reference();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 3, 0.02f);
            Setup s = setup(c, p, m);
            NDArray plain = s.net().detrDecode(s.mem(), s.target(), false);
            NDArray fast = new FastDecoder(p).decode(s.mem(), s.target());
            double diff = maxAbs(plain, fast);
            System.out.printf(Locale.ROOT, "rewrite whole decoder (6 layers, d=256): max|diff| = %.3g%n", diff);
            assertTrue(diff <= 1e-4, "diff " + diff);
        }
    }
}
