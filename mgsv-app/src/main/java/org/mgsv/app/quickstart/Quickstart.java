package org.mgsv.app.quickstart;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.metrics.Baselines;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.metrics.RunEntry;
import org.mgsv.core.metrics.RunFile;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.core.report.HtmlReport;
import org.mgsv.core.report.MomentStrip;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.core.util.Json;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.ModelDir;
import org.mgsv.model.eval.MsgEvaluator;
import org.mgsv.model.eval.MsgResult;
import org.mgsv.model.eval.StorePairs;
import org.mgsv.model.train.FeatureSource;
import org.mgsv.model.train.MadeTrainer;
import org.mgsv.model.train.RunDirectory;
import org.mgsv.model.train.RunListener;
import org.mgsv.model.train.TrainPair;
import org.mgsv.synth.SynthWriter;

/**
 * The quickstart pipeline: synthetic benchmark → training → streamed test evaluation → baselines → table,
 * {@code metrics.json}, run file and HTML report. Output directory:
 * <pre>
 *   data/             the synthetic benchmark (published MGSV-EC layout; reused when its synth.json matches)
 *   train/            the training run (metrics.jsonl, learning-curves.png, checkpoints; resumed if interrupted)
 *   model/            the trained model (ModelDir; reused when its quickstart.json matches the preset)
 *   test-run.jsonl    the model's run file on the test split ('mgsv score --run' reads it)
 *   metrics.json      {"model": ..., "prior_start0": ..., "random": ...}, each as 'mgsv score --json' writes
 *   report.html       table, learning curves, predicted vs true moments (pictures in report/)
 *   quickstart.json   what ran: preset, timings, threads
 * </pre>
 */
public final class Quickstart {
    public static final String FINGERPRINT = "quickstart.json";
    public static final String METRICS = "metrics.json";
    public static final String RUN = "test-run.jsonl";
    public static final String REPORT = "report.html";
    public static final String SUMMARY = "quickstart.json";

    /** Column names of the printed table and sections of metrics.json, in order. */
    public static final List<String> SECTIONS = List.of("model", "prior_start0", "random");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long BASELINE_SEED = 42;
    private static final int STRIP_QUERIES = 8;

    private final QuickstartPreset preset;
    private final Path out;
    private final int threads;
    private final int dataThreads;
    private final boolean force;
    private final boolean progress;
    private final PrintStream log;

    /** What a run produced. */
    public record Result(Map<String, PaperMetrics> metrics, boolean dataReused, boolean modelReused,
            Map<String, Double> seconds, double trainStepsPerSecond, double trainCpuSecondsPerStep) {}

    /**
     * @param threads     libtorch threads (as started: reported in the outputs)
     * @param dataThreads threads writing the synthetic benchmark
     */
    public Quickstart(QuickstartPreset preset, Path out, int threads, int dataThreads, boolean force, boolean progress,
            PrintStream log) {
        this.preset = preset;
        this.out = out;
        this.threads = Math.max(1, threads);
        this.dataThreads = Math.max(1, dataThreads);
        this.force = force;
        this.progress = progress;
        this.log = log;
    }

    public Result run() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new MgsvException("cannot create output directory " + out + ": " + e.getMessage(), e);
        }
        // ---- 1. data
        Path data = out.resolve("data");
        boolean dataReused = SynthWriter.isUpToDate(data, preset.synth());
        if (dataReused) {
            log.println("[1/4] data: reusing the synthetic benchmark in " + data);
        } else {
            log.printf(Locale.ROOT, "[1/4] data: generating a synthetic MGSV-EC benchmark (%d/%d/%d videos) in %s%n",
                    preset.synth().trainVideos(), preset.synth().valVideos(), preset.synth().testVideos(), data);
            SynthWriter.Summary s = SynthWriter.write(preset.synth(), data, dataThreads, progress);
            log.printf(Locale.ROOT, "      %d train videos over %d tracks, %d val, %d test; %.1f MB in %.1f s%n",
                    s.trainRows(), s.trainTracks(), s.valRows(), s.testRows(), s.bytes() / 1e6, s.seconds());
        }
        seconds.put("data", secondsSince(t0));

        MadeConfig cfg = preset.model();
        FeatureSpec spec = cfg.featureSpec();
        try (DatasetLayout layout = DatasetLayout.resolve(data, spec)) {
            FeatureSource fs = FeatureSource.of(layout.features());
            // ---- 2. model
            long t1 = System.nanoTime();
            Path model = out.resolve("model");
            String fp = preset.fingerprint();
            boolean modelReused = !force && ModelDir.isModelDir(model) && sameFingerprint(model.resolve(FINGERPRINT), fp);
            double[] speed = {Double.NaN, Double.NaN};
            if (modelReused) {
                log.println("[2/4] model: reusing the trained model in " + model + " (--force retrains)");
            } else {
                speed = train(layout, fs, model, fp);
            }
            seconds.put("train", secondsSince(t1));

            // ---- 3. evaluation and baselines
            long t2 = System.nanoTime();
            List<Annotation> test = layout.annotations("test");
            log.printf(Locale.ROOT, "[3/4] evaluating on the %d test videos (every video against every track)%n",
                    test.size());
            List<RunEntry> entries = evaluate(model, test, layout);
            RunFile.write(out.resolve(RUN), entries);
            List<Baselines.Query> queries = new ArrayList<>();
            for (Annotation a : test) {
                queries.add(new Baselines.Query(a.videoId(), a.musicId(), a.videoEnd() - a.videoStart(),
                        a.musicStart(), a.musicEnd(), a.musicTotalDuration()));
            }
            Map<String, PaperMetrics> metrics = new LinkedHashMap<>();
            metrics.put("model", Scorer.score(entries));
            metrics.put("prior_start0", Scorer.score(Baselines.startZeroPrior(queries, null, BASELINE_SEED)));
            metrics.put("random", Scorer.score(Baselines.random(queries, null, BASELINE_SEED)));
            seconds.put("eval", secondsSince(t2));

            // ---- 4. outputs
            log.println("[4/4] writing " + out.resolve(METRICS) + ", " + out.resolve(REPORT));
            writeMetrics(metrics);
            seconds.put("total", secondsSince(t0));
            writeReport(metrics, entries, seconds, dataReused, modelReused);
            writeSummary(seconds, speed, dataReused, modelReused);
            return new Result(metrics, dataReused, modelReused, seconds, speed[0], speed[1]);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** Trains (or resumes) the run in {@code out/train} and copies the picked checkpoint to {@code model}. */
    private double[] train(DatasetLayout layout, FeatureSource fs, Path model, String fp) {
        Path run = out.resolve("train");
        RunDirectory runDir = new RunDirectory(run);
        int epochs = preset.train().epochs();
        int done = 0;
        try {
            if (Files.exists(run)) {
                if (!force && sameFingerprint(run.resolve(FINGERPRINT), fp) && Files.isRegularFile(runDir.lastState())) {
                    done = runDir.epochsDone();
                } else if (Files.exists(run.resolve(FINGERPRINT)) || isEmpty(run)) {
                    AtomicFiles.deleteRecursively(run);
                } else {
                    throw new MgsvException(run + ": exists and is not a quickstart training run (no " + FINGERPRINT
                            + "); not deleting it: choose another --out");
                }
            }
            Files.createDirectories(run);
            AtomicFiles.writeString(run.resolve(FINGERPRINT), fp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + run + ": " + e.getMessage(), e);
        }
        List<TrainPair> train = TrainPair.ofSplit(layout, "train");
        List<TrainPair> val = TrainPair.ofSplit(layout, "val");
        Map<String, Object> desc = new LinkedHashMap<>();
        desc.put("data", "quickstart synthetic benchmark (" + preset.name() + " preset)");
        desc.put(org.mgsv.model.FeatureSpace.KEY, org.mgsv.model.FeatureSpace.SYNTHETIC);
        desc.put("trainPairs", train.size());
        desc.put("valPairs", val.size());
        MadeTrainer trainer = new MadeTrainer(preset.model(), preset.train(),
                new MadeTrainer.Data(train, val, fs, desc), run, progress);
        int spe = trainer.stepsPerEpoch();
        log.printf(Locale.ROOT, "[2/4] training MaDe (%s preset: d=%d, %d+%d DETR layers) for %d epochs of %d steps "
                        + "(batch %d) on %d pairs, validating on %d%s%n",
                preset.name(), preset.model().dModel(), preset.model().detrEncoderLayers(),
                preset.model().detrDecoderLayers(), epochs, spe, Math.min(preset.train().batchSize(), train.size()),
                train.size(), val.size(), done > 0 ? "; resuming after epoch " + done : "");
        long t0 = System.nanoTime();
        double cpu0 = cpuSeconds();
        int first = done;
        // the overall progress (epochs done, elapsed, ETA); the trainer's own bar shows the steps of an epoch
        trainer.addListener(new RunListener() {
            @Override
            public void onEpochEnd(RunListener.Epoch e) {
                double el = secondsSince(t0);
                double eta = el / (e.epoch() - first) * (epochs - e.epoch());
                log.printf(Locale.ROOT, "training: %d/%d epochs done, %s elapsed, ETA %s%n", e.epoch(), epochs,
                        ConsoleProgress.formatDuration(el), ConsoleProgress.formatDuration(eta));
            }
        });
        // one call for every epoch left: native memory stays flat across epochs (nothing a step, a validation or
        // a checkpoint makes stays with the run's long-lived arrays); a divergence propagates, naming the intact
        // last checkpoint
        trainer.run(done > 0, 0);
        double el = secondsSince(t0);
        long steps = (long) spe * (epochs - first);
        double stepsPerSecond = steps > 0 ? steps / el : Double.NaN;
        double cpuPerStep = steps > 0 ? (cpuSeconds() - cpu0) / steps : Double.NaN;
        if (steps > 0) {
            log.printf(Locale.ROOT, "training: %d steps in %s (%.2f steps/s incl. validation, %.2f CPU-s per step, "
                    + "%d threads)%n", steps, ConsoleProgress.formatDuration(el), stepsPerSecond, cpuPerStep, threads);
        }
        Path src = run.resolve(preset.pick());
        if (!ModelDir.isModelDir(src)) {
            throw new MgsvException(run + ": the training run has no " + preset.pick() + "/ checkpoint");
        }
        ModelDir.checkReplaceable(model);
        AtomicFiles.writeDirectory(model, tmp -> {
            for (String f : List.of(ModelDir.WEIGHTS, ModelDir.CHECKSUM, ModelDir.CONFIG, ModelDir.PROVENANCE)) {
                if (Files.isRegularFile(src.resolve(f))) {
                    Files.copy(src.resolve(f), tmp.resolve(f));
                }
            }
            Files.writeString(tmp.resolve(FINGERPRINT), fp);
        });
        log.println("      model (" + preset.pick() + " checkpoint) -> " + model);
        return new double[] {stepsPerSecond, cpuPerStep};
    }

    private List<RunEntry> evaluate(Path model, List<Annotation> test, DatasetLayout layout) {
        int distinct = new LinkedHashSet<>(test.stream().map(Annotation::musicId).toList()).size();
        MsgResult res;
        try (NDManager root = NDManager.newBaseManager(); ModelDir.Loaded l = ModelDir.load(model, root)) {
            // the full ranking (topK = every distinct track) so that the run file gives every metric exactly
            MsgEvaluator ev = new MsgEvaluator(l.network(), new MsgEvaluator.Options(64, 64, 1024, distinct, progress));
            res = ev.evaluate(new StorePairs(test, layout.features(), l.config()));
        }
        List<RunEntry> entries = new ArrayList<>(test.size());
        for (int i = 0; i < test.size(); i++) {
            Annotation a = test.get(i);
            entries.add(new RunEntry(a.videoId(), a.musicId(), res.ranking(i), res.predStart()[i], res.predEnd()[i],
                    a.musicStart(), a.musicEnd(), a.musicTotalDuration()));
        }
        return entries;
    }

    private void writeMetrics(Map<String, PaperMetrics> metrics) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (Map.Entry<String, PaperMetrics> e : metrics.entrySet()) {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("run", e.getKey().equals("model") ? RUN : null);
            section.putAll(e.getValue().toJson());
            doc.put(e.getKey(), section);
        }
        Json.write(out.resolve(METRICS), doc);
    }

    private void writeSummary(Map<String, Double> seconds, double[] speed, boolean dataReused, boolean modelReused) {
        Map<String, Object> doc = new LinkedHashMap<>();
        try {
            doc.put("preset", JSON.readTree(preset.fingerprint()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        doc.put("threads", threads);
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("data_reused", dataReused);
        doc.put("model_reused", modelReused);
        doc.put("seconds", seconds);
        doc.put("train_steps_per_second", Double.isNaN(speed[0]) ? null : speed[0]);
        doc.put("train_cpu_seconds_per_step", Double.isNaN(speed[1]) ? null : speed[1]);
        Json.write(out.resolve(SUMMARY), doc);
    }

    private void writeReport(Map<String, PaperMetrics> metrics, List<RunEntry> entries, Map<String, Double> seconds,
            boolean dataReused, boolean modelReused) {
        Path pics = out.resolve("report");
        try {
            Files.createDirectories(pics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + pics + ": " + e.getMessage(), e);
        }
        Map<String, PaperMetrics> cols = new LinkedHashMap<>();
        cols.put("MaDe (" + preset.name() + ")", metrics.get("model"));
        cols.put("start 0, length = video", metrics.get("prior_start0"));
        cols.put("random", metrics.get("random"));
        MadeConfig c = preset.model();
        HtmlReport r = new HtmlReport("mgsv quickstart")
                .paragraph(String.format(Locale.ROOT,
                        "MaDe (d=%d, %d DETR encoder + %d decoder layers) trained for %d epochs (batch %d, lr %s) on "
                                + "a synthetic MGSV-EC benchmark of %d train / %d val / %d test videos, evaluated on "
                                + "the test split: every test video is ranked against every test track (MsG), and "
                                + "the moment is predicted inside its ground-truth track (SmG).",
                        c.dModel(), c.detrEncoderLayers(), c.detrDecoderLayers(), preset.train().epochs(),
                        preset.train().batchSize(), preset.train().lr(), preset.synth().trainVideos(),
                        preset.synth().valVideos(), preset.synth().testVideos()))
                .metricsTable("Test metrics (" + metrics.get("model").queries() + " queries)", PaperMetrics.PAPER_KEYS,
                        cols)
                .paragraph("Baselines on the same data: 'start 0, length = video' predicts the moment [0 s, video "
                        + "length] with a random ranking; 'random' ranks the tracks at random and places a moment "
                        + "of the video's length uniformly inside the track. R@k and MoR@k are percentages.");
        Path curves = out.resolve("train").resolve(MadeTrainer.CURVES);
        if (Files.isRegularFile(curves)) {
            r.heading("Learning curves").image("train/" + MadeTrainer.CURVES,
                    "Training losses (left) and validation metrics (right) per epoch");
        }
        List<MomentStrip.Query> strip = new ArrayList<>();
        int n = entries.size();
        int k = Math.min(STRIP_QUERIES, n);
        for (int i = 0; i < k; i++) {
            // evenly spaced through the test split: an unselected sample, not the best cases
            strip.add(MomentStrip.Query.of(entries.get((int) ((long) i * n / k))));
        }
        MomentStrip.writeStack(pics.resolve("moments.png"), "Predicted vs true moment (test queries)", strip);
        r.heading("Moments").image("report/moments.png",
                "Test queries evenly spaced through the split: ground-truth moment (green) and the model's "
                        + "prediction (orange) inside the ground-truth track");
        r.heading("Run").preformatted(String.format(Locale.ROOT,
                "data %s, model %s; time: data %.1f s, training %.1f s, evaluation %.1f s, total %.1f s; "
                        + "%d threads%nfiles: data/ train/ model/ %s %s %s",
                dataReused ? "reused" : "generated", modelReused ? "reused" : "trained", seconds.get("data"),
                seconds.get("train"), seconds.get("eval"), seconds.get("total"), threads, RUN, METRICS, SUMMARY));
        r.write(out.resolve(REPORT));
    }

    /** The paper-style table: one row per key, columns model | start-0 prior | random. */
    public static String table(Map<String, PaperMetrics> metrics) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-6s %-10s %12s %15s %10s%n", "", "metric", "MaDe", "start-0 prior",
                "random"));
        String group = "";
        for (String key : PaperMetrics.PAPER_KEYS) {
            String g = key.equals("mIoU") ? "SmG" : key.matches("R\\d+") ? "V2MR" : "MsG";
            sb.append(String.format(Locale.ROOT, "%-6s %-10s %12s %15s %10s%n", g.equals(group) ? "" : g,
                    PaperMetrics.label(key), PaperMetrics.format(key, metrics.get("model").get(key)),
                    PaperMetrics.format(key, metrics.get("prior_start0").get(key)),
                    PaperMetrics.format(key, metrics.get("random").get(key))));
            group = g;
        }
        return sb.toString();
    }

    private static boolean sameFingerprint(Path file, String fp) {
        try {
            return Files.isRegularFile(file) && JSON.readTree(file.toFile()).equals(JSON.readTree(fp));
        } catch (IOException e) {
            return false;
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** CPU time of this process (all threads, native ones included), or NaN when the platform does not say. */
    static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).map(v -> v / 1e9)
                .orElse(Double.NaN);
    }

    static JsonNode readJson(Path f) throws IOException {
        return JSON.readTree(f.toFile());
    }
}
