package org.mgsv.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.Ops;
import org.mgsv.model.loss.MadeCriterion;

/**
 * Diagnostic, not part of the suite (surefire runs only *Test classes): the expected loss terms and mean predicted
 * span under dropout on forward-A over {@code probe.n} seeds, with their standard errors, printed as one JSON line
 * ({@code PROBE {...}}) for comparison with the reference model's (the same computation over seeds in its own
 * code). {@code -Dprobe.off=enh,xpool,detr} switches the dropout of those parts off, {@code -Dprobe.plain=true}
 * uses the plain decoder instead of the trainer's single-query rewrite.
 *
 * <pre>mvn -B -pl mgsv-model -am test -Dtest=DropoutExpectationProbe -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.n=400</pre>
 *
 * Every iteration works on copies of the inputs in its own sub-manager, so nothing accumulates in the long-lived
 * manager: 400 seeds ran in under 3 minutes with a peak RSS of 0.7 GB (2 loaded cores).
 */
class DropoutExpectationProbe {
    @Test
    void probe() throws Exception {
        int n = Integer.getInteger("probe.n", 200);
        boolean plain = Boolean.getBoolean("probe.plain");
        List<String> off = Arrays.asList(System.getProperty("probe.off", "").split(","));
        MadeConfig.Builder b = MadeConfig.reference().toBuilder();
        if (off.contains("enh")) {
            b.enhancementDropout(0f);
        }
        if (off.contains("xpool")) {
            b.xpoolDropout(0f);
        }
        if (off.contains("detr")) {
            b.detrDropout(0f);
        }
        MadeConfig cfg = b.build();
        Path fa = GoldenFiles.dir("forward-A");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = GoldenFiles.npz(manager, fa.resolve("state_dict.npz"), false);
            MadeParams params = MadeParams.fromArrays(cfg, manager, sd);
            Map<String, NDArray> in = GoldenFiles.npz(manager, fa.resolve("inputs.npz"), false);
            MadeNetwork net = new MadeNetwork(params);
            Map<String, double[]> acc = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                try (NDManager sm = manager.newSubManager()) {
                    // copies of the inputs in the iteration's manager: every result of an operation on them lands
                    // there and is freed with it
                    Map<String, NDArray> x = new HashMap<>();
                    for (Map.Entry<String, NDArray> e : in.entrySet()) {
                        NDArray c = e.getValue().duplicate();
                        c.attach(sm);
                        x.put(e.getKey(), c);
                    }
                    Ops.seedRandom(Engine.getInstance(), 1000 + i);
                    MadeInputs mi = new MadeInputs(x.get("frame_feats"), x.get("frame_masks"),
                            x.get("segment_feats"), x.get("segment_masks"));
                    MadeOutput out = plain ? net.forward(mi, true) : TrainForward.forward(net, mi, true);
                    Map<String, Double> v = new TreeMap<>(TrainLoss.compute(MadeCriterion.reference(), out,
                            params.get("logit_scale"), x.get("spans_target")).values());
                    float[] sp = out.predSpans().toFloatArray();
                    double c = 0, w = 0;
                    for (int k = 0; k < sp.length; k += 2) { c += sp[k]; w += sp[k + 1]; }
                    v.put("span_c_mean", c / (sp.length / 2));
                    v.put("span_w_mean", w / (sp.length / 2));
                    for (Map.Entry<String, Double> e : v.entrySet()) {
                        double[] a = acc.computeIfAbsent(e.getKey(), k -> new double[2]);
                        a[0] += e.getValue();
                        a[1] += e.getValue() * e.getValue();
                    }
                }
            }
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, double[]> e : acc.entrySet()) {
                double m = e.getValue()[0] / n;
                double se = Math.sqrt(Math.max(0, e.getValue()[1] / n - m * m) / n);
                sb.append(String.format(java.util.Locale.ROOT, "\"%s\": [%.6g, %.3g], ", e.getKey(), m, se));
            }
            System.out.println("PROBE " + sb + "}");
        }
    }
}
