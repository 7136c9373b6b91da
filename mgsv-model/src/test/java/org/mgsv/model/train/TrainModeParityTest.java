package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgsv.model.DropoutMasks;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.loss.Losses;
import org.mgsv.model.loss.MadeCriterion;

/**
 * The training-mode pass with every dropout ON, fed the official model's own dropout masks (recorded call by call
 * by scripts/reference-train-mode.py on forward-A's weights and inputs): the number, order, shapes and rates of
 * the dropout calls, every loss term and the gradient of every parameter equal the reference's. Run for the
 * trainer's forward (single-query decoder rewrite) and for the plain network.
 */
class TrainModeParityTest {
    static NDManager manager;
    static Map<String, NDArray> fixture;
    static Map<String, NDArray> sd;
    static Map<String, NDArray> in;

    @BeforeAll
    static void load() throws Exception {
        Path fa = GoldenFiles.dir("forward-A");
        manager = NDManager.newBaseManager();
        fixture = GoldenFiles.npz(manager, Path.of("src/test/resources/train-mode-A/train_mode.npz"), true);
        sd = GoldenFiles.npz(manager, fa.resolve("state_dict.npz"), false);
        in = GoldenFiles.npz(manager, fa.resolve("inputs.npz"), false);
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** Replays the recorded masks in call order, each moved from torch's layout to the Java network's. */
    static final class Replay implements DropoutMasks.Source {
        int next;

        @Override
        public NDArray mask(NDManager m, Shape shape, float rate) {
            String k = String.format(java.util.Locale.ROOT, "mask%03d/", next);
            assertTrue(fixture.containsKey(k + "shape"), "the Java pass draws more dropout masks than the reference ("
                    + (next + 1) + "th: " + shape + ")");
            long[] ts = fixture.get(k + "shape").toLongArray();
            Shape torch = new Shape(ts);
            float want = fixture.get(k + "rate").toFloatArray()[0];
            assertEquals(want, rate, 1e-6, "dropout call " + next + " " + shape + ": rate");
            assertEquals(torch.size(), shape.size(), "dropout call " + next + ": Java " + shape + ", reference " + torch);
            byte[] bits = fixture.get(k + "bits").toByteArray();
            float scale = (float) (1.0 / (1.0 - want));
            float[] v = new float[(int) torch.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((bits[i >> 3] >> (7 - (i & 7))) & 1) != 0 ? scale : 0f;
            }
            next++;
            try (NDArray t = org.mgsv.model.NativeMemory.owned(m, v, torch)) {
                // torch runs the temporal encoders and DETR sequence-first ([L, B, d]), the Java network batch-first
                boolean seqFirst = ts.length == 3 && shape.dimension() == 3 && ts[0] != ts[1]
                        && shape.get(0) == ts[1] && shape.get(1) == ts[0] && shape.get(2) == ts[2];
                NDArray r = seqFirst ? t.transpose(1, 0, 2) : t;
                return r.reshape(shape).duplicate();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void trainingModeEqualsReference(boolean trainForward) throws Exception {
        Map<String, float[]> grads = new HashMap<>();
        Map<String, Double> v;
        Replay replay = new Replay();
        try (NDManager sm = manager.newSubManager()) {
            MadeParams params = MadeParams.fromArrays(MadeConfig.reference(), sm, sd);
            params.attachGradients();
            MadeNetwork net = new MadeNetwork(params);
            try (AutoCloseable r = DropoutMasks.replay(replay);
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                MadeInputs mi = new MadeInputs(in.get("frame_feats"), in.get("frame_masks"), in.get("segment_feats"),
                        in.get("segment_masks"));
                MadeOutput out = trainForward ? TrainForward.forward(net, mi, true) : net.forward(mi, true);
                Losses l = TrainLoss.compute(MadeCriterion.reference(), out, params.get("logit_scale"),
                        in.get("spans_target"));
                v = l.values();
                gc.backward(l.total());
            }
            for (String n : params.names()) {
                try (NDArray g = params.get(n).getGradient()) {
                    grads.put(n, g.toFloatArray());
                }
            }
        }
        long sites = fixture.keySet().stream().filter(k -> k.endsWith("/bits")).count();
        assertEquals(sites, replay.next, "dropout calls: Java " + replay.next + ", reference " + sites);

        String[] names = new String(fixture.get("loss/names").toByteArray(), java.nio.charset.StandardCharsets.UTF_8)
                .split("\n");
        double[] want = fixture.get("loss/values").toDoubleArray();
        double worstLoss = 0;
        for (int i = 0; i < names.length; i++) {
            Double got = v.get(names[i]);
            assertTrue(got != null, "no loss " + names[i]);
            double rel = Math.abs(got - want[i]) / Math.max(Math.abs(want[i]), 1e-3);
            worstLoss = Math.max(worstLoss, rel);
            assertTrue(rel <= 1e-5, names[i] + ": " + got + " vs " + want[i]);
        }
        double worstNorm = 0;
        double worstElem = 0;
        int checked = 0;
        for (String k : fixture.keySet()) {
            if (!k.startsWith("grad/idx/")) {
                continue;
            }
            String n = k.substring("grad/idx/".length());
            long[] idx = fixture.get(k).toLongArray();
            double[] ref = fixture.get("grad/val/" + n).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            float[] got = grads.get(n);
            assertTrue(got != null, "no parameter " + n);
            double num = 0;
            double den = 0;
            for (int i = 0; i < idx.length; i++) {
                double d = got[(int) idx[i]] - ref[i];
                num += d * d;
                den += ref[i] * ref[i];
                worstElem = Math.max(worstElem, Math.abs(d) / (1e-6 + Math.abs(ref[i])));
            }
            double nr = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
            if (Math.sqrt(den) > 1e-6 * Math.sqrt(idx.length)) {
                worstNorm = Math.max(worstNorm, nr);
            }
            // float32 rounding of torch's attention (see GradientParityTest) bounds what can agree
            assertTrue(Math.sqrt(num) <= 5e-5 * Math.sqrt(den) + 1e-6 * Math.sqrt(idx.length),
                    n + ": ||diff||/||ref|| = " + nr);
            checked++;
        }
        assertEquals(grads.size(), checked, "every parameter checked");
        System.out.printf(java.util.Locale.ROOT, "train-mode-A (%s, %d dropout calls replayed): losses max relative difference %.3g,"
                + " gradients max ||diff||/||ref|| %.3g over %d parameters%n", trainForward ? "TrainForward" : "plain",
                replay.next, worstLoss, worstNorm, checked);
    }
}
