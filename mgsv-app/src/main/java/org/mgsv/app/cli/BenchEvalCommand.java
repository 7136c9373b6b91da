package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.EvalBench;
import org.mgsv.bench.MatmulPeak;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Json;
import org.mgsv.core.util.Stats;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeFlops;
import org.mgsv.model.eval.EvalMemory;
import org.mgsv.model.eval.MsgEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv bench eval}: the full streamed MsG pass on N synthetic pairs. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Time the full MsG evaluation on N synthetic pairs of the reference shapes: encode N videos and N musics, "
            + "detect the moment in each ground-truth pair, rank all N x N pairs (dual + X-Pool single score).",
            "Prints machine, threads, JVM, every run, the median after warm-up, items/s and peak RSS."
        },
        footer = {
            "",
            "Examples:",
            "  MGSV_THREADS=2 mgsv bench eval --n 500",
            "  MGSV_THREADS=2 mgsv bench eval --n 2000 --runs 5 --json bench-eval-2000.json"
        })
public final class BenchEvalCommand extends ModelCommand {
    @Option(names = "--n", defaultValue = "500", description = "number of pairs (default ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--runs", defaultValue = "5", description = "timed runs (median reported, default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed warm-up runs (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--chunk", defaultValue = "8", description = "rows per pass-1 chunk (default ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--music-chunk", defaultValue = "16", description = "musics per pass-2 chunk (default ${DEFAULT-VALUE})")
    int musicChunk;

    @Option(names = "--video-block", defaultValue = "1024", description = "videos per scoring block (default ${DEFAULT-VALUE})")
    int videoBlock;

    @Option(names = "--model", paramLabel = "<model-dir>", description = "weights to use (default: freshly initialised reference configuration)")
    Path model;

    @Option(names = "--json", paramLabel = "<out.json>", description = "write the figures as JSON")
    Path json;

    @Option(names = "--profile", paramLabel = "<trace.json>",
            description = "run once more under libtorch's profiler: write its trace and print time per operator and"
                    + " the GEMMs' FLOPs and rate (the profiled run is slower; its time is not in the median)")
    Path profile;

    @Mixin PeakOption peak;

    @Option(names = "--glibc-default-malloc", description = "keep glibc's adaptive malloc (more resident memory)"
            + " instead of the fixed mmap threshold mgsv eval uses (8 MiB; 32 MiB in bf16)")
    boolean defaultMalloc;

    @Override
    Integer run() throws Exception {
        if (n < 1 || runs < 1 || warmup < 0) {
            throw new MgsvException("--n and --runs must be >= 1, --warmup >= 0");
        }
        boolean lean = !defaultMalloc && EvalMemory.tune();
        Map<String, Object> machine = BenchInfo.machine();
        int threads = BenchInfo.threads();
        System.out.printf(Locale.ROOT, "machine: %s, %d cores; JVM %s; libtorch threads %d (%s); load %s; malloc %s%n",
                machine.get("cpu"), (int) machine.get("cores"), BenchInfo.jvm(), threads, BenchInfo.openMp(), BenchInfo.loadAverage(),
                lean ? org.mgsv.model.eval.EvalMemory.applied() : "glibc default");
        MatmulPeak.Peak pk = peak.get(threads);
        MsgEvaluator.Options opt = new MsgEvaluator.Options(chunk, musicChunk, videoBlock, 100, false);
        EvalBench.Result res = EvalBench.run(model, opt, n, warmup, runs, profile, r -> System.out.printf(Locale.ROOT,
                "%s %d: %.2f s (pass 1 encode+detect %.2f s, pass 2 rank %.2f s), R@1 %.1f%%, peak RSS %.0f MB%n",
                r.timed() ? "run" : "warm-up", r.index(), r.seconds(), r.pass1Seconds(), r.pass2Seconds(),
                100.0 * r.rankedFirst() / n, BenchInfo.peakRssMb()));
        MadeConfig config = res.config();
        List<Double> times = res.seconds();
        List<Double> pass1 = res.pass1Seconds();
        List<Double> pass2 = res.pass2Seconds();
        double med = Stats.median(times);
        double rss = BenchInfo.peakRssMb();
        System.out.printf(Locale.ROOT, "MsG eval (" + precision.modelLabel() + ") N=%d: median %.2f s over %d runs (pass 1 %.2f s, pass 2 %.2f s), %.1f items/s, peak RSS %.0f MB, %d threads, load %s%n",
                n, med, runs, Stats.median(pass1), Stats.median(pass2), n / med, rss, threads, BenchInfo.loadAverage());
        Map<String, Object> out = new LinkedHashMap<>();
        PeakOption.report("MsG eval N=" + n + " (matmuls at full slot lengths, as a padded implementation runs them)", pk,
                MadeFlops.msgEval(config, n, n, chunk), med, out);
        Map<String, Object> valid = new LinkedHashMap<>();
        PeakOption.report("MsG eval N=" + n + " (matmuls at the rows' valid lengths: the useful work)", pk,
                MadeFlops.msgEvalValid(config, res.validFrames(), res.validSegments()), med, valid);
        out.put("flops_valid_lengths", valid.get("flops"));
        if (res.profile() != null) {
            System.out.print(res.profile().describe(25));
            System.out.println("wrote " + profile);
            out.put("profile", res.profile().toMap(25));
        }
        if (json != null) {
            out.put("median_s", med);
            out.put("items_per_s", n / med);
            out.put("peak_rss_mb", rss);
            out.put("threads", threads);
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("bench", "eval");
            cfg.put("n", n);
            cfg.put("runs", runs);
            cfg.put("warmup", warmup);
            cfg.put("chunk", chunk);
            cfg.put("music_chunk", musicChunk);
            cfg.put("video_block", videoBlock);
            cfg.put("model", model == null ? "initialised reference configuration" : model.toString());
            cfg.put("retrieval_score", config.retrievalScore().toString());
            cfg.put("malloc", lean ? org.mgsv.model.eval.EvalMemory.applied() : "glibc default");
            out.put("config", cfg);
            out.put("precision", precision.modelLabel());
            out.put("runs_s", BenchInfo.rounded(times));
            out.put("pass1_median_s", Stats.median(pass1));
            out.put("pass2_median_s", Stats.median(pass2));
            machine.put("load_average_end", BenchInfo.loadAverage());
            out.put("machine", machine);
            Json.write(json, out);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
