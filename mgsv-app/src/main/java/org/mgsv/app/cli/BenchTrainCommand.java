package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.MatmulPeak;
import org.mgsv.bench.TorchProfile;
import org.mgsv.bench.TrainBench;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Json;
import org.mgsv.core.util.Stats;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeFlops;
import org.mgsv.model.train.TrainOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv bench train}: complete training steps on synthetic inputs of the reference shapes. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Time complete training steps of the reference configuration on synthetic inputs of the reference shapes:",
            "batch assembly, forward in training mode (dropout on), every loss (retrieval, 6 decoder layers with "
            + "matching), backward, per-group clipping, Adam. Prints machine, threads, JVM, every step, the median "
            + "after warm-up, items/s and peak RSS.",
            "Valid lengths are drawn as the side-by-side reference bench draws its batches (frames uniform in "
            + "[8, 50], segments in [40, 96]); training leaves the padded slots out, so the FLOPs are printed at full "
            + "slots (the network's work, what the reference computes) and as done on the valid slots, each with its "
            + "fraction of the measured matmul peak."
        },
        footer = {
            "",
            "Examples:",
            "  MGSV_THREADS=2 mgsv bench train --batch-size 32",
            "  MGSV_THREADS=2 mgsv bench train --batch-size 128 --steps 5 --json bench-train-128.json",
            "  MGSV_THREADS=2 mgsv bench train --batch-size 128 --micro-batch 0    (one pass: 4.2-4.5 GB)"
        })
public final class BenchTrainCommand extends ModelCommand {
    @Option(names = "--batch-size", defaultValue = "32", description = "batch (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--steps", defaultValue = "5", description = "timed steps (median reported, default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed warm-up steps (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--micro-batch", defaultValue = "-1", paramLabel = "b",
            description = "compute each step's gradient in slices of b pairs (bounded memory; 0 = whole batch;"
                    + " default: as mgsv train, whole batch up to 32 pairs, slices of 32 above)")
    int microBatch;

    @Option(names = "--config", paramLabel = "<cfg.json>", description = "model configuration (default: the reference)")
    Path config;

    @Option(names = "--json", paramLabel = "<out.json>", description = "write the figures as JSON")
    Path json;

    @Mixin PeakOption peak;

    @Option(names = "--profile", paramLabel = "<trace.json>",
            description = "profile the last step with libtorch's profiler: write its trace and print time per operator"
                    + " and the GEMMs' FLOPs and rate (the profiled step is slower; its time is not in the median)")
    Path profile;

    @Override
    Integer run() throws Exception {
        if (batchSize < 2 || steps < 1 || warmup < 0) {
            throw new MgsvException("--batch-size must be >= 2, --steps >= 1, --warmup >= 0");
        }
        MadeConfig cfg = config != null ? MadeConfig.read(config) : MadeConfig.reference();
        Map<String, Object> machine = BenchInfo.machine();
        int threads = BenchInfo.threads();
        System.out.printf(Locale.ROOT, "machine: %s, %d cores; JVM %s (max heap %d MB); libtorch threads %d (%s); load %s%n",
                machine.get("cpu"), (int) machine.get("cores"), BenchInfo.jvm(),
                Runtime.getRuntime().maxMemory() >> 20, threads, BenchInfo.openMp(), BenchInfo.loadAverage());
        MatmulPeak.Peak pk = peak.get(threads);
        if (microBatch < TrainOptions.AUTO_MICRO_BATCH) {
            throw new MgsvException("--micro-batch must be >= 0, got " + microBatch);
        }
        TrainBench.Result res = TrainBench.run(cfg, batchSize, warmup, steps, microBatch, profile);
        int mb = res.microBatch();
        List<Double> times = res.stepSeconds();
        TorchProfile.Summary prof = res.profile();
        if (prof != null) {
            System.out.print(prof.describe(25));
            System.out.println("wrote " + profile);
        }
        for (int i = 0; i < times.size(); i++) {
            System.out.printf(Locale.ROOT, "step %d: %.3f s%n", i + 1, times.get(i));
        }
        if (!res.phaseSeconds().isEmpty()) {
            StringBuilder sb = new StringBuilder("time per phase over all steps (s):");
            res.phaseSeconds().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.2f", k, v)));
            System.out.println(sb);
        }
        double med = Stats.median(times);
        double rss = BenchInfo.peakRssMb();
        double heap = Runtime.getRuntime().totalMemory() / 1048576.0;
        System.out.printf(Locale.ROOT, "train step (" + precision.modelLabel() + "), batch %d%s: median %.3f s over %d steps (after %d warm-up), %.1f items/s,"
                + " peak RSS %.0f MB (JVM heap committed %.0f MB), %d threads, load %s%n", batchSize,
                mb > 0 ? " (micro-batch " + mb + ")" : "", med, steps, warmup, batchSize / med, rss,
                heap, threads, BenchInfo.loadAverage());
        Map<String, Object> out = new LinkedHashMap<>();
        PeakOption.report("train step, batch " + batchSize + " (matmuls of forward + backward, single pass)", pk,
                MadeFlops.trainStep(cfg, batchSize), med, out);
        if (res.packed()) {
            // the work this step did: the padded slots are left out of the per-token products
            Map<String, Object> done = new LinkedHashMap<>();
            PeakOption.report(String.format(Locale.ROOT, "  of which done (per-token products on the valid slots:"
                    + " %.1f of %d frames, %.1f of %d segments on average)", res.meanFrames(), cfg.frameSlots(),
                    res.meanSegments(), cfg.segmentSlots()), pk,
                    MadeFlops.trainStepPacked(cfg, batchSize, res.meanFrames(), res.meanSegments()), med, done);
            out.put("valid_slots_work", done);
        }
        if (prof != null) {
            out.put("profile", prof.toMap(25));
        }
        if (json != null) {
            out.put("median_s", med);
            out.put("items_per_s", batchSize / med);
            out.put("peak_rss_mb", rss);
            out.put("threads", threads);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("bench", "train");
            c.put("precision", precision.modelLabel());
            c.put("batch_size", batchSize);
            c.put("micro_batch", mb);
            c.put("steps", steps);
            c.put("warmup", warmup);
            c.put("model", config == null ? "reference configuration" : config.toString());
            out.put("config", c);
            out.put("steps_s", BenchInfo.rounded(times));
            machine.put("load_average_end", BenchInfo.loadAverage());
            out.put("machine", machine);
            Json.write(json, out);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
