package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.ModelDir;
import org.mgsv.model.NpzIO;

/** The trainer's events, its run directory as {@link RunDirectory} reads it, and its typed divergence. */
class RunListenerTest {

    @Test
    void listenersSeeEveryEpochStepAndCheckpointAndChangeNothing(@TempDir Path dir) throws Exception {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 40, 1, 12, 5);
        Path with = dir.resolve("with");
        Path without = dir.resolve("without");
        List<String> events = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        List<RunListener.Epoch> epochs = new ArrayList<>();
        MadeTrainer t = new MadeTrainer(c, MadeTrainerTest.tinyOptions(2), MadeTrainerTest.data(d), with, false);
        t.addListener(new RunListener() {
            @Override
            public void onEpochStart(int epoch, int total) {
                events.add("start " + epoch + "/" + total);
            }

            @Override
            public void onStep(long step, double lr, Map<String, Double> losses) {
                assertTrue(losses.containsKey("loss_total"));
                steps.add(step);
            }

            @Override
            public void onCheckpoint(Path ckpt, int epoch) {
                assertTrue(ModelDir.isModelDir(ckpt), ckpt + " is on disk when announced");
                if (ckpt.getFileName().toString().equals(MadeTrainer.LAST)) {
                    events.add("last " + epoch);
                }
            }

            @Override
            public void onEpochEnd(RunListener.Epoch e) {
                events.add("end " + e.epoch());
                epochs.add(e);
            }
        });
        t.run(false, 0);
        new MadeTrainer(c, MadeTrainerTest.tinyOptions(2), MadeTrainerTest.data(d), without, false).run(false, 0);
        int spe = t.stepsPerEpoch();
        assertEquals(List.of("start 1/2", "last 1", "end 1", "start 2/2", "last 2", "end 2"), events);
        assertEquals(2 * spe, steps.size());
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(i, steps.get(i).longValue());
        }
        // the epoch summaries are what metrics.jsonl holds
        List<String> lines = Files.readAllLines(with.resolve(MadeTrainer.METRICS));
        ObjectMapper om = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            JsonNode line = om.readTree(lines.get(i));
            RunListener.Epoch e = epochs.get(i);
            assertEquals(1, e.firstEpochThisCall());
            assertEquals(line.get("steps").asLong(), e.steps());
            assertEquals(line.get("train").get("loss_total").asDouble(), e.train().get("loss_total"));
            assertEquals(line.get("val").get("R1").asDouble(), e.val().get("R1"));
        }
        // listening changes nothing that is trained
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = NpzIO.read(with.resolve("last").resolve(ModelDir.WEIGHTS), m);
            Map<String, NDArray> b = NpzIO.read(without.resolve("last").resolve(ModelDir.WEIGHTS), m);
            for (String k : a.keySet()) {
                assertTrue(a.get(k).contentEquals(b.get(k)), k);
            }
        }
        RunDirectory rd = new RunDirectory(with);
        assertTrue(rd.resumable());
        assertEquals(2, rd.epochsDone());
        assertEquals(with.resolve("last"), rd.last());
        RunDirectory empty = new RunDirectory(dir.resolve("none"));
        assertFalse(empty.resumable());
        assertEquals(0, empty.epochsDone());
    }

    @Test
    void aDivergingRunThrowsTheTypedExceptionWithItsStep(@TempDir Path dir) {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 40, 1, 12, 5);
        MadeTrainer t = new MadeTrainer(c, MadeTrainerTest.tinyOptions(2).withLr(1e12), MadeTrainerTest.data(d), dir,
                false);
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.run(false, 0));
        assertTrue(e.getMessage().startsWith("training diverged"), e.getMessage());
        assertTrue(e.step() >= 0, "step " + e.step());
    }
}
