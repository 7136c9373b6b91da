package org.mgsv.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.Provenance;
import org.mgsv.model.loss.Losses;
import org.mgsv.model.loss.MadeCriterion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains MaDe with the reference recipe (specification §4) and keeps a run directory:
 * <pre>
 *   metrics.jsonl          one line per epoch: epoch, mean training losses, validation metrics, lr, seconds
 *   learning-curves.png    training losses and validation metrics per epoch
 *   last/                  model directory of the latest epoch, with trainer/ (optimizer state, counters)
 *   best-r1/ best-miou/ best-mor1/ best-mor1-0.7/
 *                          the epochs with the best validation R1, mIoU, MoR1@0.5 (R1_iou0.5), MoR1@0.7
 * </pre>
 * Every checkpoint is a {@link ModelDir} written atomically. The run is reproducible: initialisation, the
 * per-epoch shuffle and every step's dropout masks derive from the seed, the epoch and the step number only, so
 * a run resumed from {@code last/} continues exactly as an uninterrupted run would.
 */
public final class MadeTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(MadeTrainer.class);
    private static final ObjectMapper LINE = new ObjectMapper();

    public static final String LAST = "last";
    public static final String METRICS = "metrics.jsonl";
    public static final String CURVES = "learning-curves.png";
    public static final String STATE_DIR = "trainer";
    /** Best-checkpoint directory → the validation metric it tracks (higher is better). */
    public static final Map<String, String> BEST = Map.of(
            "best-r1", "R1", "best-miou", "mIoU", "best-mor1", "R1_iou0.5", "best-mor1-0.7", "R1_iou0.7");

    /** The data of a run: training and validation pairs and their features, and a description for provenance. */
    public record Data(List<TrainPair> train, List<TrainPair> val, FeatureSource features,
            Map<String, Object> description) {}

    /** What {@link #run} did. */
    public record Result(int epochsDone, long steps, Map<String, Double> lastVal, Map<String, Double> lastTrain) {}

    private final MadeConfig config;
    private final TrainOptions opt;
    private final Data data;
    private final Path runDir;
    private final RunDirectory dir;
    private final boolean progress;
    private final MadeCriterion criterion;
    private final List<RunListener> listeners = new ArrayList<>();

    public MadeTrainer(MadeConfig config, TrainOptions opt, Data data, Path runDir, boolean progress) {
        opt.validate();
        this.config = config;
        this.opt = opt;
        this.data = data;
        this.runDir = runDir;
        this.dir = new RunDirectory(runDir);
        this.progress = progress;
        MadeCriterion.Weights w = MadeCriterion.Weights.reference();
        this.criterion = new MadeCriterion(new MadeCriterion.Weights(w.span(), w.giou(), w.label(), w.align(),
                config.eosCoef(), w.temperature(), w.retrieval(), w.localization()),
                org.mgsv.model.loss.HungarianMatcher.reference());
    }

    /** Adds a listener of this trainer's epochs, steps and checkpoints (see {@link RunListener}). */
    public MadeTrainer addListener(RunListener l) {
        listeners.add(java.util.Objects.requireNonNull(l, "listener"));
        return this;
    }

    /** Steps per epoch: the incomplete last batch is dropped (a set smaller than the batch is one batch). */
    public int stepsPerEpoch() {
        int n = data.train().size();
        return n < opt.batchSize() ? 1 : n / opt.batchSize();
    }

    private int batchSize() {
        return Math.min(opt.batchSize(), data.train().size());
    }

    /** The training order of epoch {@code epoch} (1-based): a permutation seeded by (seed, epoch) only. */
    int[] order(int epoch) {
        int n = data.train().size();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(opt.seed() * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The {@code bs} training pairs of step {@code k} of an epoch whose order is {@code ord}. */
    private List<TrainPair> stepPairs(int[] ord, int k, int bs) {
        List<TrainPair> pairs = new ArrayList<>(bs);
        for (int i = k * bs; i < (k + 1) * bs; i++) {
            pairs.add(data.train().get(ord[i]));
        }
        return pairs;
    }

    /** Seed of the dropout masks of global step {@code step} (0-based). */
    int stepSeed(long step) {
        long z = opt.seed() * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 29)) & 0x7fffffff);
    }

    /**
     * Trains until {@code opt.epochs()} epochs are done, or {@code maxEpochsThisRun} more (≤ 0: no limit).
     *
     * @param resume continue from {@code runDir/last} (an error if it is absent)
     */
    public Result run(boolean resume, int maxEpochsThisRun) {
        // one trainer per run directory: a second one would interleave checkpoints and metrics
        try (org.mgsv.core.util.WriterLock lock = org.mgsv.core.util.WriterLock.acquire(runDir, "run directory")) {
            return runLocked(resume, maxEpochsThisRun);
        }
    }

    /**
     * Puts back the checkpoints of {@code runDir} that a kill between the renames of a checkpoint write left
     * under hidden names, and deletes unfinished checkpoint temporaries; takes the run's writer lock meanwhile.
     */
    public static void recoverCheckpoints(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (org.mgsv.core.util.WriterLock lock = org.mgsv.core.util.WriterLock.acquire(runDir, "run directory")) {
            recoverLocked(runDir);
        }
    }

    private static void recoverLocked(Path runDir) {
        List<String> dirs = new ArrayList<>(BEST.keySet());
        dirs.add(LAST);
        for (String d : dirs) {
            if (AtomicFiles.recoverDirectory(runDir.resolve(d))) {
                LOG.warn("{}: recovered the checkpoint {}/ left by an interrupted write", runDir, d);
            }
        }
    }

    /** Where a run stands: its parameters, the epochs and steps done, the best metrics and the metrics history. */
    private static final class RunState {
        MadeParams params;
        int epochsDone;
        long step;
        final Map<String, Double> best = new LinkedHashMap<>();
        final List<Map<String, Double>> history = new ArrayList<>();
    }

    /** What a training step needs besides its pairs: the network, its parameter groups and the optimizer. */
    private record Stepper(NDManager root, Engine engine, MadeNetwork net, List<ParamGroup> groups, List<NDArray> all,
            FusedAdam adam) {}

    /** One epoch's training: the mean losses over its pairs and the learning rate of its last step. */
    private record EpochLosses(Map<String, Double> train, double lr) {}

    private Result runLocked(boolean resume, int maxEpochsThisRun) {
        recoverLocked(runDir);
        Engine engine = Engine.getInstance();
        int spe = stepsPerEpoch();
        long total = (long) spe * opt.epochs();
        WarmupCosineSchedule schedule = WarmupCosineSchedule.reference(total, opt.warmupRate(), opt.zeroFirstStep());
        try (NDManager root = NDManager.newBaseManager()) {
            FusedAdam adam = new FusedAdam(root, opt.beta1(), opt.beta2(), opt.eps());
            RunState rs = resume ? resumedState(root, adam, spe) : freshState(root);
            rs.params.attachGradients();
            MadeNetwork net = new MadeNetwork(rs.params);
            List<ParamGroup> groups = OptimizerGroups.of(rs.params, opt.trainQueryEmbed());
            List<NDArray> all = new ArrayList<>(rs.params.asMap().values());
            Stepper stepper = new Stepper(root, engine, net, groups, all, adam);
            int firstEpoch = rs.epochsDone + 1;
            int target = maxEpochsThisRun > 0 ? Math.min(opt.epochs(), rs.epochsDone + maxEpochsThisRun) : opt.epochs();
            Map<String, Double> lastVal = Map.of();
            Map<String, Double> lastTrain = Map.of();
            for (int epoch = firstEpoch; epoch <= target; epoch++) {
                long t0 = System.nanoTime();
                EpochLosses losses = trainEpoch(epoch, rs, stepper, schedule, spe);
                Validator.Result vr = Validator.evaluate(net, data.val(), data.features(), opt.evalBatchSize(), root);
                Map<String, Double> val = vr.metrics();
                double seconds = (System.nanoTime() - t0) / 1e9;
                List<String> improved = improveBest(rs.best, val);
                saveCheckpoints(epoch, rs, adam, spe, improved);
                finishEpoch(epoch, firstEpoch, rs, losses, val, seconds, improved);
                lastVal = val;
                lastTrain = losses.train();
            }
            adam.close();
            return new Result(target, rs.step, lastVal, lastTrain);
        }
    }

    /** The state of {@code last/}, with the optimizer's state loaded into {@code adam}. */
    private RunState resumedState(NDManager root, FusedAdam adam, int spe) {
        RunState rs = new RunState();
        Path last = dir.last();
        if (!dir.resumable()) {
            throw new MgsvException(runDir + ": nothing to resume (no complete " + LAST + "/ checkpoint)");
        }
        JsonNode st = dir.readLastState();
        checkCompatible(st, spe);
        ModelDir.Loaded loaded = ModelDir.load(last, root);
        rs.params = loaded.params();
        rs.epochsDone = st.get("epoch").asInt();
        rs.step = st.get("globalStep").asLong();
        st.get("best").fields().forEachRemaining(e -> rs.best.put(e.getKey(), e.getValue().asDouble()));
        Map<String, Long> steps = new LinkedHashMap<>();
        st.get("adamSteps").fields().forEachRemaining(e -> steps.put(e.getKey(), e.getValue().asLong()));
        adam.load(dir.readLastOptimizer(root), steps);
        rs.history.addAll(dir.truncateMetrics(rs.epochsDone));
        LOG.info("resuming {} after epoch {} (step {})", runDir, rs.epochsDone, rs.step);
        return rs;
    }

    /** A new run from the seed's initialisation; refuses a run directory that already holds one. */
    private RunState freshState(NDManager root) {
        if (Files.exists(dir.last()) || Files.exists(dir.metrics())) {
            throw new MgsvException(runDir + " already holds a run: use --resume to continue it or choose "
                    + "another --out");
        }
        RunState rs = new RunState();
        rs.params = ownedInit(root);
        rs.epochsDone = 0;
        rs.step = 0;
        return rs;
    }

    /** The optimizer steps of one epoch, advancing {@code rs.step}; returns the epoch's mean losses. */
    private EpochLosses trainEpoch(int epoch, RunState rs, Stepper st, WarmupCosineSchedule schedule, int spe) {
        int[] ord = order(epoch);
        Map<String, Double> sums = new LinkedHashMap<>();
        long items = 0;
        double lr = 0;
        int bs = batchSize();
        final Map<String, Double> running = new LinkedHashMap<>();
        ConsoleProgress bar = progress ? new ConsoleProgress(String.format(Locale.ROOT, "epoch %d/%d", epoch,
                opt.epochs()), spe).suffix(() -> suffix(running)) : null;
        for (RunListener l : listeners) {
            l.onEpochStart(epoch, opt.epochs());
        }
        try {
            for (int s = 0; s < spe; s++, rs.step++) {
                List<TrainPair> pairs = stepPairs(ord, s, bs);
                lr = opt.lr() * schedule.factorForUpdate(rs.step);
                Map<String, Double> v = trainStep(st.root(), st.engine(), st.net(), rs.params, st.groups(), st.all(),
                        st.adam(), pairs, rs.step, lr);
                for (Map.Entry<String, Double> e : v.entrySet()) {
                    sums.merge(e.getKey(), e.getValue() * pairs.size(), Double::sum);
                    running.merge(e.getKey(), e.getValue(), (a, b) -> 0.9 * a + 0.1 * b);
                }
                running.put("lr", lr);
                items += pairs.size();
                for (RunListener l : listeners) {
                    l.onStep(rs.step, lr, v);
                }
                if (bar != null) {
                    bar.step();
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        Map<String, Double> train = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            train.put(e.getKey(), e.getValue() / items);
        }
        return new EpochLosses(train, lr);
    }

    /** Records in {@code best} the tracked metrics {@code val} improved; returns their checkpoint names, sorted. */
    private static List<String> improveBest(Map<String, Double> best, Map<String, Double> val) {
        List<String> improved = new ArrayList<>();
        for (Map.Entry<String, String> b : new java.util.TreeMap<>(BEST).entrySet()) {
            Double v = val.get(b.getValue());
            if (v != null && (!best.containsKey(b.getValue()) || v > best.get(b.getValue()))) {
                best.put(b.getValue(), v);
                improved.add(b.getKey());
            }
        }
        return improved;
    }

    /** Writes the improved {@code best-*} checkpoints and {@code last/}, then tells the listeners. */
    private void saveCheckpoints(int epoch, RunState rs, FusedAdam adam, int spe, List<String> improved) {
        Map<String, Object> state = stateJson(epoch, rs.step, rs.best, adam, spe);
        for (String name : improved) {
            save(name, rs.params, adam, state, epoch);
        }
        save(LAST, rs.params, adam, state, epoch);
        for (RunListener l : listeners) {
            for (String name : improved) {
                l.onCheckpoint(dir.checkpoint(name), epoch);
            }
            l.onCheckpoint(dir.last(), epoch);
        }
    }

    /** The epoch's metrics line, learning curves, log and progress lines, and the listeners' end of epoch. */
    private void finishEpoch(int epoch, int firstEpoch, RunState rs, EpochLosses losses, Map<String, Double> val,
            double seconds, List<String> improved) {
        Map<String, Double> train = losses.train();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", epoch);
        line.put("steps", rs.step);
        line.put("lr", losses.lr());
        line.put("seconds", seconds);
        line.put("train", train);
        line.put("val", val);
        line.put("saved", improved);
        dir.appendMetrics(line);
        Map<String, Double> flat = new LinkedHashMap<>();
        train.forEach((k, v) -> flat.put("train/" + k, v));
        val.forEach((k, v) -> flat.put("val/" + k, v));
        rs.history.add(flat);
        LearningCurves.write(dir.curves(), rs.history);
        LOG.info("epoch {}: loss {} val R1 {} mIoU {} MoR1@0.5 {}", epoch, train.get("loss_total"),
                val.get("R1"), val.get("mIoU"), val.get("R1_iou0.5"));
        if (progress) {
            System.err.printf(Locale.ROOT, "epoch %d/%d: loss %.4f (ret %.4f, loc %.4f) | val R1 %.2f R10 %.2f "
                    + "mIoU %.4f MoR1@0.5 %.2f MoR1@0.7 %.2f | %.1f s%s%n", epoch, opt.epochs(),
                    train.get("loss_total"), train.get("loss_retrieval"), train.get("loss_localization"),
                    val.get("R1"), val.get("R10"), val.get("mIoU"), val.get("R1_iou0.5"),
                    val.get("R1_iou0.7"), seconds, improved.isEmpty() ? "" : " | saved " + improved);
        }
        RunListener.Epoch done = new RunListener.Epoch(epoch, opt.epochs(), firstEpoch, rs.step,
                seconds, java.util.Collections.unmodifiableMap(train), java.util.Collections.unmodifiableMap(val),
                List.copyOf(improved));
        for (RunListener l : listeners) {
            l.onEpochEnd(done);
        }
    }

    /**
     * Times {@code warmup + steps} complete training steps (batch loading, forward in training mode, losses,
     * backward, clipping, Adam) from a fresh initialisation, on consecutive batches of the training pairs.
     *
     * @return the seconds of each timed step
     */
    public List<Double> benchmark(int warmup, int steps) {
        return benchmark(warmup, steps, null, null);
    }

    /**
     * {@link #benchmark(int, int)}, running {@code beforeLast} just before the last step and {@code afterLast} right
     * after it (e.g. to profile one warm step); either may be null.
     */
    public List<Double> benchmark(int warmup, int steps, Runnable beforeLast, Runnable afterLast) {
        Engine engine = Engine.getInstance();
        int spe = stepsPerEpoch();
        List<Double> times = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
                FusedAdam adam = new FusedAdam(root, opt.beta1(), opt.beta2(), opt.eps())) {
            MadeParams params = ownedInit(root);
            params.attachGradients();
            MadeNetwork net = new MadeNetwork(params);
            List<ParamGroup> groups = OptimizerGroups.of(params, opt.trainQueryEmbed());
            List<NDArray> all = new ArrayList<>(params.asMap().values());
            int[] ord = order(1);
            int bs = batchSize();
            for (int s = 0; s < warmup + steps; s++) {
                List<TrainPair> pairs = stepPairs(ord, s % spe, bs);
                boolean lastStep = s == warmup + steps - 1;
                if (lastStep && beforeLast != null) {
                    beforeLast.run();
                }
                long t0 = System.nanoTime();
                trainStep(root, engine, net, params, groups, all, adam, pairs, s, opt.lr());
                if (lastStep && afterLast != null) {
                    afterLast.run();
                }
                if (s >= warmup) {
                    times.add((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return times;
    }

    /** Seconds spent per phase of the steps so far (load, forward, loss, backward, optimizer). */
    public Map<String, Double> timing() {
        return new LinkedHashMap<>(timing);
    }

    private final Map<String, Double> timing = new LinkedHashMap<>();

    /** Direct-buffer bytes above which a step first asks for a collection. */
    static final long DIRECT_BUFFER_LIMIT = 192L << 20;

    /** Fresh parameters in libtorch-owned memory (see {@link org.mgsv.model.NativeMemory#owned}). */
    private MadeParams ownedInit(NDManager root) {
        try (MadeParams init = MadeParams.initialize(config, root, opt.seed())) {
            return init.copy(root);
        }
    }

    /** One optimizer step; returns the loss values of the batch. */
    Map<String, Double> trainStep(NDManager root, Engine engine, MadeNetwork net, MadeParams params, List<ParamGroup> groups,
            List<NDArray> all, FusedAdam adam, List<TrainPair> pairs, long step, double lr) {
        // batches enter native memory through direct buffers that only a collection frees
        org.mgsv.model.NativeMemory.release(DIRECT_BUFFER_LIMIT);
        int mb = opt.effectiveMicroBatch();
        if (mb > 0 && mb < pairs.size()) {
            Map<String, Double> v = MicroBatchStep.lossAndGradients(net, criterion, data.features(), pairs, mb,
                    stepSeed(step), root, all);
            checkFinite(v, step);
            clipAndUpdate(groups, adam, v, lr);
            return v;
        }
        try (NDManager sm = root.newSubManager()) {
            long t0 = System.nanoTime();
            PairBatch b = PairBatch.load(sm, pairs, data.features(), config);
            Grads.zero(all);
            org.mgsv.model.Ops.seedRandom(engine, stepSeed(step));
            Map<String, Double> v;
            long t1;
            long t2;
            long t3;
            try (GradientCollector gc = engine.newGradientCollector()) {
                t1 = System.nanoTime();
                MadeOutput out = TrainForward.forward(net, b.inputs(), true);
                out.layerSpans().getFloat(0, 0, 0, 0);
                t2 = System.nanoTime();
                Losses l;
                try {
                    l = TrainLoss.compute(criterion, out, params.get("logit_scale"), b.targets());
                } catch (IllegalArgumentException e) {
                    throw new DivergenceException("training diverged: non-finite network outputs at step " + step
                            + " (" + e.getMessage() + "; the last checkpoint in " + runDir.resolve(LAST) + " is intact)",
                            step);
                }
                v = l.values();
                t3 = System.nanoTime();
                checkFinite(v, step);
                gc.backward(l.total());
            }
            long t4 = System.nanoTime();
            clipAndUpdate(groups, adam, v, lr);
            long t5 = System.nanoTime();
            timing.merge("load", (t1 - t0) / 1e9, Double::sum);
            timing.merge("forward", (t2 - t1) / 1e9, Double::sum);
            timing.merge("loss", (t3 - t2) / 1e9, Double::sum);
            timing.merge("backward", (t4 - t3) / 1e9, Double::sum);
            timing.merge("optimizer", (t5 - t4) / 1e9, Double::sum);
            return v;
        }
    }

    private void checkFinite(Map<String, Double> v, long step) {
        if (!Double.isFinite(v.get("loss_total"))) {
            throw new DivergenceException("training diverged: the loss is " + v.get("loss_total") + " at step "
                    + step + " (the last checkpoint in " + runDir.resolve(LAST) + " is intact)", step);
        }
    }

    /** Clips each group's gradients (its norm before clipping goes into {@code v}), then Adam updates every group. */
    private void clipAndUpdate(List<ParamGroup> groups, FusedAdam adam, Map<String, Double> v, double lr) {
        for (ParamGroup g : groups) {
            v.put("grad_norm_" + g.name(), GradClip.clip(g.params().values(), opt.maxGradNorm()));
        }
        for (ParamGroup g : groups) {
            adam.step(g, lr);
        }
    }

    private static String suffix(Map<String, Double> r) {
        if (r.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "loss %.3f ret %.3f loc %.3f lr %.2e", r.getOrDefault("loss_total", 0.0),
                r.getOrDefault("loss_retrieval", 0.0), r.getOrDefault("loss_localization", 0.0),
                r.getOrDefault("lr", 0.0));
    }

    private Map<String, Object> stateJson(int epoch, long step, Map<String, Double> best, FusedAdam adam, int spe) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epoch", epoch);
        s.put("globalStep", step);
        s.put("stepsPerEpoch", spe);
        s.put("trainPairs", data.train().size());
        s.put("effectiveMicroBatch", opt.effectiveMicroBatch());
        s.put("valPairs", data.val().size());
        s.put("seed", opt.seed());
        s.put("options", opt);
        s.put("config", readTree(config.toJson()));
        s.put("best", new LinkedHashMap<>(best));
        s.put("adamSteps", adam.stepCounts());
        // ordered (Map.of's iteration order changes from one JVM to the next): the same run writes the same bytes
        Map<String, String> rng = new LinkedHashMap<>();
        rng.put("shuffle", "SplittableRandom(seed*1000003+epoch)");
        rng.put("dropout", "per-step seed from (seed, step)");
        s.put("rng", rng);
        return s;
    }

    private void save(String checkpoint, MadeParams params, FusedAdam adam, Map<String, Object> state, int epoch) {
        Map<String, Object> details = new LinkedHashMap<>(data.description());
        details.put("seed", opt.seed());
        details.put("epoch", epoch);
        details.put("gitCommit", commit());
        details.put("options", opt);
        dir.writeCheckpoint(checkpoint, params, Provenance.of("training", details), state, adam);
    }

    private void checkCompatible(JsonNode st, int spe) {
        TrainOptions stored = LINE.convertValue(st.get("options"), TrainOptions.class);
        // the slices the interrupted run computed its steps in: recorded since the automatic slice became 32; before,
        // the automatic choice was the whole batch up to 32 pairs and slices of 16 above
        int storedSlices = stored.microBatch() != TrainOptions.AUTO_MICRO_BATCH ? stored.microBatch()
                : st.has("effectiveMicroBatch") ? st.get("effectiveMicroBatch").asInt()
                : stored.batchSize() <= TrainOptions.AUTO_WHOLE_UP_TO ? 0 : 16;
        int slices = opt.effectiveMicroBatch();
        if (storedSlices != slices && stored.withMicroBatch(0).equals(opt.withMicroBatch(0))) {
            throw new MgsvException(runDir + ": --resume: the interrupted run computed each step in "
                    + (storedSlices == 0 ? "one pass" : "slices of " + storedSlices) + ", now "
                    + (slices == 0 ? "one pass" : "slices of " + slices) + "; pass --micro-batch " + storedSlices
                    + " to continue it exactly (dropout is drawn per slice)");
        }
        if (!stored.withMicroBatch(storedSlices).equals(opt.withMicroBatch(slices))) {
            throw new MgsvException(runDir + ": --resume needs the options of the interrupted run: it used " + stored
                    + ", now " + opt);
        }
        if (st.get("trainPairs").asInt() != data.train().size() || st.get("stepsPerEpoch").asInt() != spe) {
            throw new MgsvException(runDir + ": --resume needs the same training data (" + st.get("trainPairs")
                    + " pairs before, " + data.train().size() + " now)");
        }
        MadeConfig c = MadeConfig.fromJson(st.get("config").toString(), runDir + "/last/trainer/state.json");
        if (!c.equals(config)) {
            throw new MgsvException(runDir + ": --resume needs the model configuration of the interrupted run");
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return LINE.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #gitCommit()}, run once per trainer rather than once per checkpoint written. */
    private String commit() {
        if (commit == null) {
            commit = java.util.Optional.ofNullable(gitCommit());
        }
        return commit.orElse(null);
    }

    private java.util.Optional<String> commit;

    /** {@code git rev-parse HEAD} of the working directory, or null. */
    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
