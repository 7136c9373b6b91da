package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.ModelDir;

/** The "predict the center only" variant trains; its width is the video's duration / maxMDuration. */
class PredictCenterTrainingTest {

    private static final MadeConfig CONFIG = PlantedData.tinyConfig().toBuilder().predictCenter(true).build();

    @Test
    void trainsAndKeepsTheVideoWidth(@TempDir Path dir) throws Exception {
        trainsAndKeepsTheVideoWidth(CONFIG, dir);
    }

    @Test
    void startAnchoredVariantTrainsAndKeepsTheVideoWidth(@TempDir Path dir) throws Exception {
        trainsAndKeepsTheVideoWidth(CONFIG.toBuilder().startAnchored(true).build(), dir);
    }

    private static void trainsAndKeepsTheVideoWidth(MadeConfig config, Path dir) throws Exception {
        PlantedData d = new PlantedData(config, 64, 1, 16, 13);
        new MadeTrainer(config, MadeTrainerTest.tinyOptions(5), MadeTrainerTest.data(d), dir, false).run(false, 0);
        List<String> lines = Files.readAllLines(dir.resolve(MadeTrainer.METRICS));
        assertEquals(5, lines.size());
        ObjectMapper om = new ObjectMapper();
        double l0 = om.readTree(lines.get(0)).get("train").get("loss_total").asDouble();
        double l1 = om.readTree(lines.get(4)).get("train").get("loss_total").asDouble();
        assertTrue(l1 < 0.9 * l0, "loss did not decrease: " + l0 + " -> " + l1);
        try (NDManager m = NDManager.newBaseManager(); ModelDir.Loaded l = ModelDir.load(dir.resolve("last"), m);
                NDManager sm = m.newSubManager()) {
            assertTrue(l.config().predictCenter());
            MadeNetwork net = new MadeNetwork(l.params());
            List<TrainPair> pairs = d.val;
            PairBatch b = PairBatch.load(sm, pairs, d, l.config());
            // the training forward pass (falls back to the network's) and the evaluation one
            for (MadeOutput out : List.of(TrainForward.forward(net, b.inputs(), true), net.forward(b.inputs(), false))) {
                float[] spans = out.predSpans().toFloatArray(); // [B, Q=1, 2]
                for (int i = 0; i < pairs.size(); i++) {
                    float want = (float) (pairs.get(i).videoDuration() / CONFIG.maxMDuration());
                    assertEquals(want, spans[2 * i + 1], 1e-6f, "width of pair " + i);
                    // a sigmoid center lies in (0, 1); a start-anchored one is start + width / 2, the start unbounded
                    assertTrue(config.startAnchored() ? Float.isFinite(spans[2 * i])
                            : spans[2 * i] > 0f && spans[2 * i] < 1f, "center of pair " + i);
                }
            }
        }
    }

    @Test
    void microBatchedStepRuns(@TempDir Path dir) throws Exception {
        PlantedData d = new PlantedData(CONFIG, 24, 1, 8, 17);
        MadeTrainer.Result r = new MadeTrainer(CONFIG, MadeTrainerTest.tinyOptions(2).withMicroBatch(5),
                MadeTrainerTest.data(d), dir, false).run(false, 0);
        assertEquals(2, r.epochsDone());
        assertTrue(Double.isFinite(r.lastTrain().get("loss_total")));
        assertTrue(Double.isFinite(r.lastVal().get("mIoU")));
    }
}
