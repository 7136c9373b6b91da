package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradients reach every parameter that the forward pass uses, in training mode (dropout on) and in eval mode. */
class GradientFlowTest {

    private static List<String> paramsWithoutGradient(MadeConfig c, boolean training) {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 7);
            p.attachGradients();
            MadeNetwork net = new MadeNetwork(p);
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                MadeInputs in = TinyModels.inputs(step, c, 3, 11);
                MadeOutput o = net.forward(in, training);
                NDArray loss = o.sim().sum().add(o.layerLogits().sum()).add(o.layerSpans().mul(o.layerSpans()).sum())
                        .add(o.layerProjQueries().get(0).sum()).add(o.projVid().sum());
                assertFalse(Float.isNaN(loss.getFloat()), "loss is NaN");
                gc.backward(loss);
            }
            List<String> none = new ArrayList<>();
            for (String n : p.names()) {
                NDArray g = p.get(n).getGradient();
                float[] v = g.toFloatArray();
                double sum = 0;
                for (float x : v) {
                    assertFalse(Float.isNaN(x), n + " has a NaN gradient");
                    sum += Math.abs(x);
                }
                if (sum == 0) {
                    none.add(n);
                }
            }
            return none;
        }
    }

    @Test
    void everyUsedParameterGetsAGradientInTraining() {
        List<String> none = paramsWithoutGradient(TinyModels.tiny().build(), true);
        // logit_scale is only used by the retrieval loss, not by the forward pass; X-Pool's key bias shifts all
        // logits of a pair equally, so it has no influence (XPool folds it away)
        assertEquals(List.of("logit_scale", XPool.bias(XPool.K)), none);
    }

    @Test
    void evalModeGradientsToo() {
        List<String> none = paramsWithoutGradient(TinyModels.tiny().numMomentQueries(2).build(), false);
        assertEquals(List.of("logit_scale", XPool.bias(XPool.K)), none);
    }

    @Test
    void dropoutOnlyInTraining() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 3);
            MadeNetwork net = new MadeNetwork(p);
            MadeInputs in = TinyModels.inputs(m, c, 2, 5);
            float[] a = net.forward(in, false).predSpans().toFloatArray();
            float[] b = net.forward(in, false).predSpans().toFloatArray();
            assertTrue(java.util.Arrays.equals(a, b), "inference must be deterministic");
            float[] t = net.forward(in, true).videoFeats().toFloatArray();
            float[] e = net.forward(in, false).videoFeats().toFloatArray();
            assertNotEquals(java.util.Arrays.toString(t), java.util.Arrays.toString(e), "training must apply dropout");
        }
    }
}
