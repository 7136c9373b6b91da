package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.metrics.MomentIou;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.ModelDir;
import org.mgsv.model.NpzIO;

class MadeTrainerTest {

    static TrainOptions tinyOptions(int epochs) {
        return TrainOptions.reference().withEpochs(epochs).withBatchSize(16).withEvalBatchSize(32).withLr(3e-3)
                .withSeed(7);
    }

    static MadeTrainer.Data data(PlantedData d) {
        return new MadeTrainer.Data(d.train, d.val, d, Map.of("data", "planted"));
    }

    /** Mean IoU of predicting "start 0, length = video length" on the validation pairs. */
    static double startZeroPrior(List<TrainPair> val) {
        double s = 0;
        for (TrainPair p : val) {
            s += MomentIou.iou(p.musicStart(), p.musicEnd(), p.musicDuration(), 0, p.videoDuration());
        }
        return s / val.size();
    }

    @Test
    void tinyRunLearnsThePlantedStructure(@TempDir Path dir) throws Exception {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 96, 1, 32, 11);
        MadeTrainer t = new MadeTrainer(c, tinyOptions(12), data(d), dir, false);
        MadeTrainer.Result r = t.run(false, 0);
        assertEquals(12, r.epochsDone());
        List<String> lines = Files.readAllLines(dir.resolve(MadeTrainer.METRICS));
        assertEquals(12, lines.size());
        ObjectMapper om = new ObjectMapper();
        JsonNode first = om.readTree(lines.get(0));
        JsonNode last = om.readTree(lines.get(lines.size() - 1));
        double l0 = first.get("train").get("loss_total").asDouble();
        double l1 = last.get("train").get("loss_total").asDouble();
        double prior = startZeroPrior(d.val);
        double miou = last.get("val").get("mIoU").asDouble();
        double r1 = last.get("val").get("R1").asDouble();
        System.out.printf(Locale.ROOT, "tiny run: loss %.3f -> %.3f, val mIoU %.3f (start-0 prior %.3f), R1 %.1f%% (chance %.1f%%)%n",
                l0, l1, miou, prior, r1, 100.0 / d.val.size());
        assertTrue(l1 < 0.8 * l0, "loss did not decrease: " + l0 + " -> " + l1);
        assertTrue(miou > prior + 0.05, "mIoU " + miou + " not above the start-0 prior " + prior);
        assertTrue(r1 > 3 * 100.0 / d.val.size(), "R1 " + r1 + " not above chance");
        for (String b : List.of("last", "best-r1", "best-miou", "best-mor1", "best-mor1-0.7")) {
            assertTrue(ModelDir.isModelDir(dir.resolve(b)), b);
        }
        assertTrue(Files.size(dir.resolve(MadeTrainer.CURVES)) > 1000);
        // the saved model loads with its config
        try (NDManager m = NDManager.newBaseManager(); ModelDir.Loaded l = ModelDir.load(dir.resolve("last"), m)) {
            assertEquals(c, l.config());
            assertEquals("training", l.provenance().source());
            assertEquals(12, ((Number) l.provenance().details().get("epoch")).intValue());
        }
    }

    @Test
    void resumeContinuesIdentically(@TempDir Path dir) throws Exception {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 40, 1, 12, 5);
        Path straight = dir.resolve("straight");
        Path split = dir.resolve("split");
        new MadeTrainer(c, tinyOptions(2), data(d), straight, false).run(false, 0);
        new MadeTrainer(c, tinyOptions(2), data(d), split, false).run(false, 1);
        assertEquals(1, Files.readAllLines(split.resolve(MadeTrainer.METRICS)).size());
        new MadeTrainer(c, tinyOptions(2), data(d), split, false).run(true, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = NpzIO.read(straight.resolve("last").resolve(ModelDir.WEIGHTS), m);
            Map<String, NDArray> b = NpzIO.read(split.resolve("last").resolve(ModelDir.WEIGHTS), m);
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) {
                assertTrue(a.get(k).contentEquals(b.get(k)), k + " differs after resume");
            }
            Map<String, NDArray> oa = NpzIO.read(straight.resolve("last/trainer/optimizer.npz"), m);
            Map<String, NDArray> ob = NpzIO.read(split.resolve("last/trainer/optimizer.npz"), m);
            for (String k : oa.keySet()) {
                assertTrue(oa.get(k).contentEquals(ob.get(k)), k + " optimizer state differs after resume");
            }
        }
        List<String> la = Files.readAllLines(straight.resolve(MadeTrainer.METRICS));
        List<String> lb = Files.readAllLines(split.resolve(MadeTrainer.METRICS));
        assertEquals(2, lb.size());
        ObjectMapper om = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            assertEquals(om.readTree(la.get(i)).get("train"), om.readTree(lb.get(i)).get("train"));
            assertEquals(om.readTree(la.get(i)).get("val"), om.readTree(lb.get(i)).get("val"));
        }
        // a finished run cannot be started again over itself
        assertThrows(MgsvException.class,
                () -> new MadeTrainer(c, tinyOptions(2), data(d), split, false).run(false, 0));
    }

    @Test
    void resumeKeepsTheSlicesOfTheInterruptedRun(@TempDir Path dir) throws Exception {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 40, 1, 12, 5);
        TrainOptions big = tinyOptions(2).withBatchSize(40); // above 32: automatic slices
        assertEquals(TrainOptions.AUTO_SLICE, big.effectiveMicroBatch());
        assertEquals(0, tinyOptions(2).withBatchSize(32).effectiveMicroBatch());
        assertEquals(8, big.withMicroBatch(8).effectiveMicroBatch());
        Path run = dir.resolve("run");
        new MadeTrainer(c, big, data(d), run, false).run(false, 1);
        // a state written before the automatic slice was recorded (and was 16): resuming under the new automatic
        // choice would draw other dropout masks, so it is refused with the option that continues it exactly
        Path state = run.resolve("last/trainer/state.json");
        ObjectMapper om = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode st = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(
                state.toFile());
        assertEquals(TrainOptions.AUTO_SLICE, st.get("effectiveMicroBatch").asInt());
        st.remove("effectiveMicroBatch");
        om.writeValue(state.toFile(), st);
        MgsvException e = assertThrows(MgsvException.class,
                () -> new MadeTrainer(c, big, data(d), run, false).run(true, 0));
        assertTrue(e.getMessage().contains("slices of 16") && e.getMessage().contains("--micro-batch 16"),
                e.getMessage());
        assertEquals(2, new MadeTrainer(c, big.withMicroBatch(16), data(d), run, false).run(true, 0).epochsDone());
    }

    @Test
    void aSecondTrainerOnOneRunDirectoryInAnotherProcessIsRefused(@TempDir Path dir) throws Exception {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 40, 1, 12, 5);
        Path run = dir.resolve("run");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                run.toString()).redirectErrorStream(true).start();
        try {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("locked", in.readLine());
            MgsvException e = assertThrows(MgsvException.class,
                    () -> new MadeTrainer(c, tinyOptions(1), data(d), run, false).run(false, 0));
            assertTrue(e.getMessage().contains("run directory is in use by another mgsv process"), e.getMessage());
            assertTrue(!Files.exists(run.resolve(MadeTrainer.METRICS)) && !Files.exists(run.resolve(MadeTrainer.LAST)));
        } finally {
            p.destroyForcibly().waitFor();
        }
        // the killed holder's lock is gone with it: the run starts
        assertEquals(1, new MadeTrainer(c, tinyOptions(1), data(d), run, false).run(false, 0).epochsDone());
    }

    @Test
    void aKillBetweenTheRenamesOfACheckpointWriteIsRecovered(@TempDir Path dir) throws Exception {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 40, 1, 12, 5);
        Path run = dir.resolve("run");
        new MadeTrainer(c, tinyOptions(2), data(d), run, false).run(false, 1);
        // the state a kill between the two renames of the next 'last' write leaves: no last/, two hidden copies
        Path old = run.resolve(".last.old-100");
        Files.move(run.resolve("last"), old);
        copyTree(old, run.resolve(".last.new-200"));
        MgsvException e = assertThrows(MgsvException.class,
                () -> new MadeTrainer(c, tinyOptions(2), data(d), run.resolve("elsewhere"), false).run(true, 0));
        assertTrue(e.getMessage().contains("nothing to resume"));
        MadeTrainer.Result r = new MadeTrainer(c, tinyOptions(2), data(d), run, false).run(true, 0);
        assertEquals(2, r.epochsDone());
        try (var s = Files.list(run)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".last.")), "leftovers cleaned");
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    /** Child process: holds a run directory's writer lock until killed (as a running trainer does). */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            org.mgsv.core.util.WriterLock.acquire(Path.of(args[0]), "run directory");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void badDataIsReportedUpFrontOrSkipped() {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 20, 1, 4, 3);
        d.dropVideo(d.train.get(2).videoId());
        d.poisonMusic(d.train.get(5).musicId());
        MgsvException e = assertThrows(MgsvException.class, () -> DataCheck.check("train", d.train, d,
                c.frameSlots(), c.frameFeatDim(), c.segmentSlots(), c.segmentFeatDim(), false, false));
        assertTrue(e.getMessage().contains("2 of 20 pairs"), e.getMessage());
        assertTrue(e.getMessage().contains(d.train.get(2).videoId()), e.getMessage());
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        DataCheck.Result r = DataCheck.check("train", d.train, d, c.frameSlots(), c.frameFeatDim(), c.segmentSlots(),
                c.segmentFeatDim(), true, false);
        assertEquals(18, r.kept().size());
        assertEquals(2, r.skipped());
    }
}
