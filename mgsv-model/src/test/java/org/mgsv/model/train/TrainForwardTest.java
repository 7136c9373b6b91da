package org.mgsv.model.train;

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
import org.mgsv.model.loss.MadeCriterion;

/** The rewritten single-query decoder gives the plain forward's outputs and gradients (dropout off). */
class TrainForwardTest {

    private static Map<String, float[]> run(MadeNetwork net, MadeParams p, PairBatch b, boolean fast, float[][] outs) {
        for (NDArray a : p.asMap().values()) {
            try (NDArray g = a.getGradient()) {
                g.muli(0f);
            }
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            MadeInputs in = new MadeInputs(b.frames(), b.frameMask(), b.segments(), b.segmentMask());
            MadeOutput o = fast ? TrainForward.forward(net, in, false) : net.forward(in, false);
            outs[0] = o.hiddenStates().toFloatArray();
            outs[1] = o.layerSpans().toFloatArray();
            gc.backward(TrainLoss.compute(MadeCriterion.reference(), o, p.get("logit_scale"), b.targets()).total());
        }
        Map<String, float[]> g = new HashMap<>();
        for (String n : p.names()) {
            try (NDArray x = p.get(n).getGradient()) {
                g.put(n, x.toFloatArray());
            }
        }
        return g;
    }

    @Test
    void sameOutputsAndGradientsAsThePlainForward() {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 12, 1, 2, 21);
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 5);
            p.attachGradients();
            MadeNetwork net = new MadeNetwork(p);
            PairBatch b = PairBatch.load(m, d.train, d, c);
            float[][] plain = new float[2][];
            float[][] fast = new float[2][];
            Map<String, float[]> gp = run(net, p, b, false, plain);
            Map<String, float[]> gf = run(net, p, b, true, fast);
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < plain[k].length; i++) {
                    assertTrue(Math.abs(plain[k][i] - fast[k][i]) <= 1e-5, "output " + k + "[" + i + "]");
                }
            }
            double worst = 0;
            for (String n : p.names()) {
                float[] a = gp.get(n);
                float[] f = gf.get(n);
                double num = 0;
                double den = 0;
                for (int i = 0; i < a.length; i++) {
                    num += Math.pow(a[i] - f[i], 2);
                    den += Math.pow(a[i], 2);
                }
                double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
                // decoder key biases have gradient 0 in exact arithmetic (softmax shift): absolute floor
                assertTrue(Math.sqrt(num) <= 1e-5 * Math.sqrt(den) + 1e-7 * Math.sqrt(a.length), n + ": rel " + rel);
                if (den > 1e-12) {
                    worst = Math.max(worst, rel);
                }
            }
            System.out.printf(Locale.ROOT, "rewritten decoder: max per-parameter ||grad diff||/||grad|| %.3g%n", worst);
        }
    }
}
