package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.Ops;
import org.mgsv.model.TinyModels;
import org.mgsv.model.loss.Losses;
import org.mgsv.model.loss.MadeCriterion;

/**
 * Training with the padded slots left out of the per-token layers ({@code PackedRows}) is the padded network's
 * training step: with every dropout on and the same seed (so the same masks), the same losses, the same valid
 * outputs and the same gradient for every parameter, up to float rounding.
 */
class PackedTrainingTest {

    private record Step(Map<String, Double> losses, float[] frameTokens, float[] memory, float[] spans,
            Map<String, float[]> grads) {}

    private static Step step(MadeConfig c, boolean packed, MadeInputs in, NDArray spansTarget, long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 11);
            p.attachGradients();
            MadeNetwork net = new MadeNetwork(p, packed);
            Ops.seedRandom(Engine.getInstance(), (int) seed);
            Map<String, Double> losses;
            float[] tokens;
            float[] memory;
            float[] spans;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                MadeOutput o = TrainForward.forward(net, in, true);
                tokens = o.frameTokens().toFloatArray();
                memory = o.memory().mul(in.frameMasks().concat(in.segmentMasks(), 1).expandDims(2)).toFloatArray();
                spans = o.layerSpans().toFloatArray();
                Losses l = TrainLoss.compute(MadeCriterion.reference(), o, p.get("logit_scale"), spansTarget);
                losses = l.values();
                gc.backward(l.total());
            }
            Map<String, float[]> g = new HashMap<>();
            for (String n : p.names()) {
                try (NDArray x = p.get(n).getGradient()) {
                    g.put(n, x.toFloatArray());
                }
            }
            return new Step(losses, tokens, memory, spans, g);
        }
    }

    @Test
    void packedStepEqualsThePaddedStep() {
        same(TinyModels.tiny().enhancementDropout(0.5f).detrDropout(0.2f).xpoolDropout(0.3f).build());
    }

    /** The quickstart's choices: the pair's own X-Pool vector as moment query, centre-only, start-anchored spans. */
    @Test
    void packedStepEqualsThePaddedStepWithThePairedXPoolQuery() {
        same(TinyModels.tiny().enhancementDropout(0.1f).detrDropout(0.1f).xpoolDropout(0f).predictCenter(true)
                .startAnchored(true).momentQuery(MadeConfig.MomentQuery.XPOOL_PAIRED).build());
    }

    private static void same(MadeConfig c) {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeInputs in = TinyModels.inputs(m, c, 6, 3);
            float[] st = new float[6 * 2];
            for (int i = 0; i < 6; i++) {
                st[2 * i] = 0.3f + 0.05f * i;
                st[2 * i + 1] = 0.2f;
            }
            NDArray spans = m.create(st, new ai.djl.ndarray.types.Shape(6, 1, 2));
            Step padded = step(c, false, in, spans, 5);
            Step packed = step(c, true, in, spans, 5);
            assertEquals(padded.losses().keySet(), packed.losses().keySet());
            for (Map.Entry<String, Double> e : padded.losses().entrySet()) {
                double got = packed.losses().get(e.getKey());
                assertEquals(e.getValue(), got, 1e-5 * Math.max(1, Math.abs(e.getValue())), e.getKey());
            }
            close(padded.frameTokens(), packed.frameTokens(), "frame tokens");
            close(padded.memory(), packed.memory(), "DETR memory at valid slots");
            close(padded.spans(), packed.spans(), "spans");
            double worst = 0;
            for (String n : padded.grads().keySet()) {
                float[] a = padded.grads().get(n);
                float[] b = packed.grads().get(n);
                double num = 0;
                double den = 0;
                for (int i = 0; i < a.length; i++) {
                    num += Math.pow(a[i] - b[i], 2);
                    den += Math.pow(a[i], 2);
                }
                assertTrue(Math.sqrt(num) <= 1e-5 * Math.sqrt(den) + 1e-8 * Math.sqrt(a.length),
                        n + ": ||diff||/||grad|| " + Math.sqrt(num / Math.max(den, 1e-30)));
                if (den > 1e-12) {
                    worst = Math.max(worst, Math.sqrt(num / den));
                }
            }
            System.out.printf(Locale.ROOT, "packed training step: max per-parameter ||grad diff||/||grad|| %.3g%n", worst);
        }
    }

    private static void close(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), what + " [" + i + "]");
        }
    }
}
