package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusedAdamScheduleTest {

    @Test
    void scheduleMatchesReferenceLearningRates() throws Exception {
        JsonNode sch = GoldenFiles.json(GoldenFiles.dir("grad-A").resolve("losses_grads_meta.json")).get("schedule");
        long total = sch.get("total_step").asLong();
        WarmupCosineSchedule s = WarmupCosineSchedule.reference(total, 0.02, true);
        assertEquals(sch.get("warmup_steps").asLong(), s.warmup());
        JsonNode list = sch.get("lr_used_by_optimizer_step_s (s, lr), s=1..205");
        assertEquals(205, list.size());
        for (JsonNode e : list) {
            long step = e.get(0).asLong();
            assertEquals(e.get(1).asDouble(), 3e-4 * s.factorForUpdate(step - 1), 1e-15, "step " + step);
        }
        // the switch: the first update gets the second value
        WarmupCosineSchedule fixed = WarmupCosineSchedule.reference(total, 0.02, false);
        assertEquals(list.get(1).get(1).asDouble(), 3e-4 * fixed.factorForUpdate(0), 1e-15);
        assertEquals(0.0, s.factor(total), 1e-12);
    }

    @Test
    void oneAdamStepMatchesTorch() throws Exception {
        Path ga = GoldenFiles.dir("grad-A");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = GoldenFiles.npz(m, ga.resolve("adam_step.npz"), false);
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (String k : a.keySet()) {
                if (k.startsWith("before/") && !k.endsWith("decoder_query_embed.weight")) {
                    NDArray p = a.get(k).duplicate();
                    p.setRequiresGradient(true);
                    params.put(k.substring(7), p);
                }
            }
            // gradient = the recorded clipped gradient: d/dp Σ p·g = g
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = null;
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray t = e.getValue().mul(a.get("clipped_grad/" + e.getKey())).sum();
                    loss = loss == null ? t : loss.add(t);
                }
                gc.backward(loss);
            }
            try (FusedAdam adam = FusedAdam.reference(m)) {
                adam.step(new ParamGroup("all", params), 3e-4);
                double worst = 0;
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    float[] got = e.getValue().toFloatArray();
                    float[] want = a.get("after_lr3e-4/" + e.getKey()).toFloatArray();
                    float[] before = a.get("before/" + e.getKey()).toFloatArray();
                    for (int i = 0; i < got.length; i++) {
                        double dGot = got[i] - before[i];
                        double dWant = want[i] - before[i];
                        // the update itself to 1e-3 relative of lr (float32 rounding of p ± 3e-4 is ~1e-8)
                        worst = Math.max(worst, Math.abs(dGot - dWant));
                        assertEquals(dWant, dGot, 3e-7 + 1e-3 * Math.abs(dWant), e.getKey() + "[" + i + "]");
                    }
                }
                System.out.printf(Locale.ROOT, "adam step: max |Δ difference| %.3g%n", worst);
                // state save / restore round trip gives the same next step
                NDList st = adam.stateArrays();
                Map<String, Long> steps = adam.stepCounts();
                assertTrue(steps.values().stream().allMatch(x -> x == 1L));
                try (FusedAdam b = FusedAdam.reference(m)) {
                    b.load(st, steps);
                    assertEquals(1L, b.step("vit_proj.bias"));
                    NDArray p1 = params.get("vit_proj.bias");
                    NDArray p2 = p1.duplicate();
                    p2.setRequiresGradient(true);
                    Grads.zero(List.of(p1));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p1.mul(a.get("clipped_grad/vit_proj.bias")).sum()
                                .add(p2.mul(a.get("clipped_grad/vit_proj.bias")).sum()));
                    }
                    adam.step(new ParamGroup("x", Map.of("vit_proj.bias", p1)), 1e-4);
                    b.step(new ParamGroup("x", Map.of("vit_proj.bias", p2)), 1e-4);
                    assertTrue(p1.contentEquals(p2));
                }
            }
        }
    }
}
