package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eval-mode forward of the reference weights (golden forward-A) against the reference's outputs and
 * intermediates: every array within 1e-5 absolute. Measured (AMD EPYC Zen 4, libtorch 1 thread): at most 3.0e-6
 * (detr_hidden_states), the outputs 1.2e-6 or less. The spec's conventions (docs/spec/MADE.md) name the slips
 * that move outputs beyond 1e-5; {@link #aLayerNormEpsSlipExceedsTheBound} shows one (eps 1e-6: 8.3e-4).
 */
class ForwardParityTest {
    static final double TOL = 1e-5;
    static NDManager manager;
    static MadeOutput out;
    static Map<String, NDArray> ref;

    @BeforeAll
    static void run() {
        Path dir = SharedData.forwardA();
        manager = NDManager.newBaseManager();
        Map<String, NDArray> sd = NpzIO.read(dir.resolve("state_dict.npz"), manager);
        MadeParams params = MadeParams.fromArrays(MadeConfig.reference(), manager, sd);
        Map<String, NDArray> in = NpzIO.read(dir.resolve("inputs.npz"), manager);
        MadeNetwork net = new MadeNetwork(params);
        out = net.forward(new MadeInputs(in.get("frame_feats"), in.get("frame_masks"), in.get("segment_feats"),
                in.get("segment_masks")), false);
        ref = new LinkedHashMap<>();
        ref.putAll(NpzIO.read(dir.resolve("outputs.npz"), manager));
        ref.putAll(NpzIO.read(dir.resolve("intermediates.npz"), manager));
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    static double maxDiff(String refName, NDArray ours) {
        NDArray r = ref.get(refName);
        assertTrue(r != null, "reference has no " + refName + " (has " + ref.keySet() + ")");
        NDArray a = ours.toType(DataType.FLOAT64, false);
        NDArray b = r.toType(DataType.FLOAT64, false);
        assertEquals(b.getShape().size(), a.getShape().size(), refName + " size: ours " + a.getShape() + " ref " + b.getShape());
        a = a.reshape(b.getShape());
        double d = a.sub(b).abs().max().getDouble();
        System.out.printf(Locale.ROOT, "parity %-32s max|diff| = %.3g%n", refName, d);
        assertTrue(d <= TOL, refName + ": max |diff| " + d + " > " + TOL);
        return d;
    }

    /** The bound can fail: the same weights with LayerNorm eps 1e-6 instead of 1e-5 land beyond it. */
    @Test
    void aLayerNormEpsSlipExceedsTheBound() {
        try (NDManager m = NDManager.newBaseManager()) {
            Path dir = SharedData.forwardA();
            MadeConfig slipped = MadeConfig.reference().toBuilder().layerNormEps(1e-6f).build();
            MadeParams params = MadeParams.fromArrays(slipped, m, NpzIO.read(dir.resolve("state_dict.npz"), m));
            Map<String, NDArray> in = NpzIO.read(dir.resolve("inputs.npz"), m);
            MadeOutput o = new MadeNetwork(params).forward(new MadeInputs(in.get("frame_feats"), in.get("frame_masks"),
                    in.get("segment_feats"), in.get("segment_masks")), false);
            double d = o.hiddenStates().toType(DataType.FLOAT64, false)
                    .sub(ref.get("detr_hidden_states").toType(DataType.FLOAT64, false)
                            .reshape(o.hiddenStates().getShape())).abs().max().getDouble();
            System.out.printf(Locale.ROOT, "parity with LayerNorm eps 1e-6: detr_hidden_states max|diff| = %.3g%n", d);
            assertTrue(d > TOL, "an eps slip stays within the bound: " + d);
        }
    }

    @Test
    void outputs() {
        maxDiff("video_feats", out.videoFeats());
        maxDiff("music_feats", out.musicFeats());
        maxDiff("dual_sim_matrix", out.dualSim());
        maxDiff("single_sim_matrix", out.singleSim());
        maxDiff("sim_matrix", out.sim());
        maxDiff("pred_logits", out.predLogits());
        maxDiff("pred_spans", out.predSpans());
    }

    @Test
    void intermediates() {
        maxDiff("frame_feats_enc", out.frameTokens());
        maxDiff("segment_feats_enc", out.segmentTokens());
        maxDiff("music_feats_pooled_in_forward", out.musicPooled());
        maxDiff("detr_memory", out.memory());
        maxDiff("detr_hidden_states", out.hiddenStates());
        long layers = out.decoderLayers();
        maxDiff("proj_queries", out.layerProjQueries().get(layers - 1));
        for (int i = 0; i < layers - 1; i++) {
            maxDiff("aux_" + i + "/pred_logits", out.layerLogits().get(i));
            maxDiff("aux_" + i + "/pred_spans", out.layerSpans().get(i));
            maxDiff("aux_" + i + "/proj_queries", out.layerProjQueries().get(i));
        }
    }
}
