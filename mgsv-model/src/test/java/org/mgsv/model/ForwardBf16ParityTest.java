package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * forward-A (reference weights, eval mode) with bf16 matrix products against the reference's float32 outputs:
 * each output within its stated tolerance (a few times the measured bf16 error, printed by the test), and the
 * same rankings as float32 — every row of the three similarity matrices ranks the musics in the same order, and
 * every pair's best moment query (highest foreground probability) is the same query.
 */
class ForwardBf16ParityTest {
    static NDManager manager;
    static MadeOutput fp32;
    static MadeOutput bf16;
    static Map<String, NDArray> ref;

    @BeforeAll
    static void run() {
        Path dir = SharedData.forwardA();
        manager = NDManager.newBaseManager();
        MadeNetwork net = SharedData.forwardANetwork(manager);
        MadeInputs inputs = SharedData.forwardAInputs(manager);
        fp32 = net.forward(inputs, false);
        try (MatmulPrecision.Scope s = MatmulPrecision.use(MatmulPrecision.BF16)) {
            bf16 = net.forward(inputs, false);
        }
        ref = new LinkedHashMap<>(NpzIO.read(dir.resolve("outputs.npz"), manager));
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    static void within(String name, NDArray ours, double tol) {
        NDArray r = ref.get(name).toType(DataType.FLOAT64, false);
        double d = ours.toType(DataType.FLOAT64, false).reshape(r.getShape()).sub(r).abs().max().getDouble();
        System.out.printf(Locale.ROOT, "bf16 parity %-18s max|diff| = %.3g (tolerance %.3g)%n", name, d, tol);
        assertTrue(d <= tol, name + ": max |diff| " + d + " > " + tol);
    }

    @Test
    void outputsWithinStatedTolerances() {
        // measured (AVX512_BF16, oneDNN brgemm): features 4.7e-4 / 2.2e-4, similarities 1.8e-4 / 8.7e-4 / 9.7e-4,
        // logits 8.5e-3, spans 4.6e-4; tolerances about 4x that
        within("video_feats", bf16.videoFeats(), 2e-3);
        within("music_feats", bf16.musicFeats(), 1e-3);
        within("dual_sim_matrix", bf16.dualSim(), 1e-3);
        within("single_sim_matrix", bf16.singleSim(), 4e-3);
        within("sim_matrix", bf16.sim(), 4e-3);
        within("pred_logits", bf16.predLogits(), 3e-2);
        within("pred_spans", bf16.predSpans(), 2e-3); // fraction of the music: 2e-3 of a 96 s music is 0.2 s
    }

    static long[] ranks(NDArray sim) {
        return sim.argSort(1, false).toLongArray();
    }

    @Test
    void sameRankingsAsFloat32() {
        assertArrayEquals(ranks(fp32.dualSim()), ranks(bf16.dualSim()), "dual similarity ranking");
        assertArrayEquals(ranks(fp32.singleSim()), ranks(bf16.singleSim()), "single similarity ranking");
        assertArrayEquals(ranks(fp32.sim()), ranks(bf16.sim()), "similarity ranking");
        // [B, Q, 2] logits: the best query of each pair by foreground probability (class 0)
        assertArrayEquals(bestQuery(fp32.predLogits()), bestQuery(bf16.predLogits()), "best moment query");
    }

    static long[] bestQuery(NDArray logits) {
        return logits.softmax(-1).get(":, :, 0").argMax(1).toLongArray();
    }
}
