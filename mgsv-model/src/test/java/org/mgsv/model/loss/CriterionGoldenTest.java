package org.mgsv.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgsv.model.train.GoldenFiles;

/** Loss terms computed from the reference outputs of forward-A equal grad-A's recorded losses. */
class CriterionGoldenTest {
    private static double maxRel;

    @Test
    void everyLossTermMatchesReference() throws Exception {
        Path fa = GoldenFiles.dir("forward-A");
        Path ga = GoldenFiles.dir("grad-A");
        JsonNode losses = GoldenFiles.json(ga.resolve("losses_grads_meta.json")).get("losses");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> out = GoldenFiles.npz(m, fa.resolve("outputs.npz"), false);
            Map<String, NDArray> mid = GoldenFiles.npz(m, fa.resolve("intermediates.npz"), false);
            Map<String, NDArray> in = GoldenFiles.npz(m, fa.resolve("inputs.npz"), false);
            List<LayerOutput> layers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                layers.add(new LayerOutput(mid.get("aux_" + i + "/pred_logits"), mid.get("aux_" + i + "/pred_spans"),
                        mid.get("aux_" + i + "/proj_queries")));
            }
            layers.add(new LayerOutput(out.get("pred_logits"), out.get("pred_spans"), mid.get("proj_queries")));
            // frame projections are not recorded; with one query the alignment term does not depend on them
            NDArray projVid = m.randomNormal(new Shape(4, 50, 256));
            projVid = projVid.div(projVid.norm(new int[] {2}, true));
            NDArray tau = out.get("logit_scale");
            Losses l = MadeCriterion.reference().compute(out.get("dual_sim_matrix"), out.get("single_sim_matrix"),
                    tau, layers, projVid, in.get("spans_target"));
            Map<String, Double> v = l.values();
            check(losses, "loss_total", v.get("loss_total"));
            check(losses, "loss_retrieval", v.get("loss_retrieval"));
            check(losses, "loss_localization", v.get("loss_localization"));
            check(losses, "loss_retrieval_dual_infonce", v.get("loss_retrieval_dual"));
            check(losses, "loss_retrieval_single_clip", v.get("loss_retrieval_single"));
            int n = 0;
            for (String base : new String[] {"loss_span", "loss_giou", "loss_label", "class_error",
                    "loss_contrastive_align"}) {
                for (String suf : new String[] {"", "_0", "_1", "_2", "_3", "_4"}) {
                    check(losses, "loss_dict/" + base + suf, v.get(base + suf));
                    n++;
                }
            }
            assertEquals(30, n);
            System.out.printf(Locale.ROOT, "loss terms: max relative difference %.3g%n", maxRel);
            // the same matrices without alignment projections: identical with one query
            List<LayerOutput> noAlign = new ArrayList<>();
            for (LayerOutput lo : layers) {
                noAlign.add(new LayerOutput(lo.predLogits(), lo.predSpans(), null));
            }
            Losses l2 = MadeCriterion.reference().compute(out.get("dual_sim_matrix"),
                    out.get("single_sim_matrix"), tau, noAlign, null, in.get("spans_target"));
            assertEquals(v.get("loss_total"), l2.values().get("loss_total"), 0.0);
        }
    }

    private static void check(JsonNode losses, String key, double got) {
        assertTrue(losses.has(key), "missing reference key " + key);
        double want = losses.get(key).asDouble();
        double tol = 1e-4 * Math.max(Math.abs(want), 1e-3);
        maxRel = Math.max(maxRel, Math.abs(got - want) / Math.max(Math.abs(want), 1e-3));
        assertEquals(want, got, tol, key);
    }
}
