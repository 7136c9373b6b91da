package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedAdam} over 24 steps against {@code torch.optim.Adam} (test resource {@code adam/adam_steps.npz}, made by
 * {@code make_adam_steps.py} beside it): gradients from 1e-4 to 30, sign flips, a parameter without gradient for
 * three steps and a warm-up + cosine learning rate starting at 0, so that the moments, the bias corrections and
 * the step counts are all checked past the first step. Measured: bit for bit (the same float32 operations in the
 * same order as torch 1.13's CPU Adam); the bound allows 2 ulp. A copy restored from the state after step 12
 * continues bit for bit like the original.
 */
class FusedAdamStepsTest {
    static final List<String> NAMES = List.of("w", "b", "s");
    static final int STEPS = 24;
    static final int RESTORE_AFTER = 12;

    @Test
    void twentyFourStepsMatchTorchAndResumeExactly() throws Exception {
        Path f = Path.of(FusedAdamStepsTest.class.getResource("/adam/adam_steps.npz").toURI());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> ref = GoldenFiles.npz(m, f, true);
            double[] lr = ref.get("lr").toDoubleArray();
            assertEquals(STEPS, lr.length);
            assertEquals(0.0, lr[0]);
            Map<String, NDArray> params = initial(ref);
            Map<String, NDArray> resumed = null;
            double worstUlps = 0;
            try (FusedAdam adam = FusedAdam.reference(m); FusedAdam copy = FusedAdam.reference(m)) {
                for (int t = 0; t < STEPS; t++) {
                    setGradients(params, ref, t);
                    adam.step(new ParamGroup("all", params), lr[t]);
                    if (resumed != null) {
                        setGradients(resumed, ref, t);
                        copy.step(new ParamGroup("all", resumed), lr[t]);
                        for (String n : NAMES) {
                            assertTrue(params.get(n).contentEquals(resumed.get(n)), n + " after restore, step " + (t + 1));
                        }
                    }
                    for (String n : NAMES) {
                        float[] got = params.get(n).toFloatArray();
                        float[] want = ref.get("after/" + n).get(t).toFloatArray();
                        for (int i = 0; i < got.length; i++) {
                            double ulps = Math.abs(got[i] - want[i]) / Math.ulp(want[i]);
                            worstUlps = Math.max(worstUlps, ulps);
                            assertTrue(ulps <= 2, n + "[" + i + "] step " + (t + 1) + ": " + got[i] + " vs torch "
                                    + want[i]);
                        }
                    }
                    if (t + 1 == RESTORE_AFTER) {
                        NDList st = adam.stateArrays();
                        Map<String, Long> counts = adam.stepCounts();
                        assertTrue(counts.values().stream().allMatch(c -> c == RESTORE_AFTER), counts.toString());
                        copy.load(st, counts);
                        resumed = new LinkedHashMap<>();
                        for (String n : NAMES) {
                            NDArray p = params.get(n).duplicate();
                            p.setRequiresGradient(true);
                            resumed.put(n, p);
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "adam %d steps vs torch: max |diff| %.1f ulp%n", STEPS, worstUlps);
        }
    }

    private static Map<String, NDArray> initial(Map<String, NDArray> ref) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String n : NAMES) {
            NDArray p = ref.get("init/" + n).duplicate();
            p.setRequiresGradient(true);
            out.put(n, p);
        }
        return out;
    }

    /** Gradient of Σ p·g is g: each parameter's gradient becomes the recorded one of step {@code t}. */
    private static void setGradients(Map<String, NDArray> params, Map<String, NDArray> ref, int t) {
        Grads.zero(params.values());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (String n : NAMES) {
                NDArray term = params.get(n).mul(ref.get("grad/" + n).get(t)).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }
}
