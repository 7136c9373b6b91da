package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.loss.Losses;
import org.mgsv.model.loss.MadeCriterion;

/** With dropout off, the sliced gradient equals the single-pass gradient of the whole batch. */
class MicroBatchStepTest {

    @ParameterizedTest
    @EnumSource(value = MadeConfig.MomentQuery.class, names = {"VIDEO", "XPOOL_PAIRED"})
    void slicedGradientEqualsFullBatchGradient(MadeConfig.MomentQuery query) {
        MadeConfig c = PlantedData.tinyConfig().toBuilder().enhancementDropout(0f).xpoolDropout(0f).detrDropout(0f)
                .momentQuery(query).build();
        PlantedData d = new PlantedData(c, 10, 1, 2, 9);
        MadeCriterion crit = MadeCriterion.reference();
        try (NDManager root = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, root, 3);
            p.attachGradients();
            MadeNetwork net = new MadeNetwork(p);
            List<NDArray> all = new ArrayList<>(p.asMap().values());
            // single pass
            Grads.zero(all);
            double fullLoss;
            Map<String, float[]> full = new HashMap<>();
            try (NDManager sm = root.newSubManager()) {
                PairBatch b = PairBatch.load(sm, d.train, d, c);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    MadeOutput out = net.forward(new MadeInputs(b.frames(), b.frameMask(), b.segments(),
                            b.segmentMask()), true);
                    Losses l = TrainLoss.compute(crit, out, p.get("logit_scale"), b.targets());
                    fullLoss = l.values().get("loss_total");
                    gc.backward(l.total());
                }
            }
            for (String n : p.names()) {
                try (NDArray g = p.get(n).getGradient()) {
                    full.put(n, g.toFloatArray());
                }
            }
            // slices of 3 (10 = 3 + 3 + 3 + 1)
            Map<String, Double> v = MicroBatchStep.lossAndGradients(net, crit, d, d.train, 3, 5, root, all);
            assertEquals(fullLoss, v.get("loss_total"), 1e-5 * Math.abs(fullLoss));
            double worst = 0;
            String worstName = "";
            for (String n : p.names()) {
                float[] a = full.get(n);
                float[] b;
                try (NDArray g = p.get(n).getGradient()) {
                    b = g.toFloatArray();
                }
                double num = 0;
                double den = 0;
                for (int i = 0; i < a.length; i++) {
                    num += Math.pow(a[i] - b[i], 2);
                    den += Math.pow(a[i], 2);
                    assertTrue(Math.abs(a[i] - b[i]) <= 1e-6 + 1e-4 * Math.abs(a[i]), n + "[" + i + "]: " + a[i]
                            + " vs " + b[i]);
                }
                // attention key biases get an exactly-zero gradient (softmax ignores a constant shift): their
                // float noise is compared in absolute terms
                boolean noise = Math.sqrt(den) <= 1e-6 * Math.sqrt(a.length);
                assertTrue(Math.sqrt(num) <= 1e-4 * Math.sqrt(den) + 1e-6 * Math.sqrt(a.length),
                        n + ": ||diff|| " + Math.sqrt(num) + " vs ||full|| " + Math.sqrt(den));
                if (den > 0 && !noise) {
                    double rel = Math.sqrt(num / den);
                    if (rel > worst) {
                        worst = rel;
                        worstName = n;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "micro-batch gradient (%s): max per-parameter ||diff||/||full|| %.3g (%s)%n", query,
                    worst, worstName);
            assertTrue(worst <= 1e-4, "per-parameter relative difference " + worst + " at " + worstName);
        }
    }
}
