package org.mgsv.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mgsv.app.quickstart.Quickstart;
import org.mgsv.app.quickstart.QuickstartPreset;
import org.mgsv.core.MgsvException;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.util.Threads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mgsv quickstart}: synthetic benchmark → train → evaluate → table and report, no arguments needed. */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the whole job end to end on a synthetic benchmark, no data needed.",
            "In about five minutes on a 2-core laptop: generate a synthetic MGSV-EC "
            + "benchmark (3,000/300/300 videos), train a small MaDe on it (d=64, 1+2 DETR "
            + "layers, " + QuickstartPreset.DEFAULT_EPOCHS + " epochs of batch 32), evaluate it on the test split (every "
            + "video against every track) and print the paper's table next to two "
            + "baselines on the same data: 'start 0, length = video' and random ranking.",
            "A second run reuses the data and the trained model (--force retrains); "
            + "an interrupted training resumes where it stopped.",
            ""
        },
        footer = {
            "",
            "Output (in --out, default quickstart-out/):",
            "  data/            the synthetic benchmark (reference layout, for 'mgsv train')",
            "  train/           the training run (metrics.jsonl, curves, checkpoints)",
            "  model/           the trained model (model directory for eval/predict)",
            "  test-run.jsonl   the model's run file on test ('mgsv score --run' reads it)",
            "  metrics.json     {\"model\", \"prior_start0\", \"random\"} as 'mgsv score' writes",
            "  report.html      table, learning curves, predicted vs true moments",
            "",
            "Examples:",
            "  ./mgsv quickstart",
            "  ./mgsv quickstart --out /tmp/qs --seed 7 --epochs 12",
            "  ./mgsv quickstart --force                 (retrain even if model/ matches)",
            "  ./mgsv quickstart --tiny --out /tmp/tiny  (seconds; checks the pipeline)"
        })
public final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "<dir>", defaultValue = "quickstart-out",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "<s>", defaultValue = "42",
            description = "Seed of the benchmark, initialisation, shuffling and baselines (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epochs", paramLabel = "<n>",
            description = "Training epochs (default " + QuickstartPreset.DEFAULT_EPOCHS + "; --tiny: 3).")
    Integer epochs;

    @Option(names = "--force", description = "Retrain and re-evaluate even if a model for the same settings exists.")
    boolean force;

    @Option(names = "--threads", paramLabel = "<n>",
            description = "libtorch threads for training and evaluation (default 1: the small model gains "
                    + "little from more, and libtorch's threads slow down many times over when other processes "
                    + "use the cores). Data generation uses every core.")
    Integer threads;

    @Option(names = "--tiny", description = "A seconds-long run on a tiny benchmark and model (checks the pipeline).")
    boolean tiny;

    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin PrecisionOption precision;

    @Override
    public Integer call() {
        int n = epochs != null ? epochs : tiny ? 3 : QuickstartPreset.DEFAULT_EPOCHS;
        if (n < 1) {
            throw new MgsvException("--epochs must be at least 1, got " + n);
        }
        int th = threads != null ? threads : 1;
        if (th < 1) {
            throw new MgsvException("--threads must be at least 1, got " + th);
        }
        // read by the libtorch engine when it starts (nothing has started it yet)
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(th));
        int dataThreads = threads != null ? threads : Threads.defaultCount();
        QuickstartPreset preset = tiny ? QuickstartPreset.tiny(seed, n) : QuickstartPreset.standard(seed, n);
        Quickstart.Result r;
        try (org.mgsv.model.MatmulPrecision.Scope p = precision.model()) { // after the thread count: starts libtorch
            r = new Quickstart(preset, out, th, dataThreads, force, true, System.err).run();
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println();
        o.printf(Locale.ROOT, "Test split, %d queries (R@k, MoR@k in %%):%n", r.metrics().get("model").queries());
        o.print(Quickstart.table(r.metrics()));
        o.println();
        PaperMetrics m = r.metrics().get("model");
        o.printf(Locale.ROOT, "time: data %.0f s%s, training %.0f s%s, evaluation %.0f s; total %.0f s (%d threads)%n",
                r.seconds().get("data"), r.dataReused() ? " (reused)" : "", r.seconds().get("train"),
                r.modelReused() ? " (reused)" : "", r.seconds().get("eval"), r.seconds().get("total"), th);
        o.println("report: " + out.resolve(Quickstart.REPORT) + "   metrics: " + out.resolve(Quickstart.METRICS)
                + "   model: " + out.resolve("model"));
        if (m.get("mIoU") != null && r.metrics().get("prior_start0").get("mIoU") != null
                && m.get("mIoU") <= r.metrics().get("prior_start0").get("mIoU")) {
            o.println("note: the model does not beat the 'start 0' prior on mIoU in this run (see README, Quickstart).");
        }
        o.flush();
        return 0;
    }
}
