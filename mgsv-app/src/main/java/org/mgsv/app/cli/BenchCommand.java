package org.mgsv.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mgsv bench}: parent of the benchmark subcommands (each prints figures, none is a test). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks on synthetic inputs of the reference shapes: machine, threads, JVM, median of repeated runs, peak RSS.",
        subcommands = {
            BenchPeakCommand.class,
            BenchTrainCommand.class,
            BenchEvalCommand.class,
            BenchSearchCommand.class,
            BenchExtractCommand.class,
            BenchAnnotateCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  MGSV_THREADS=2 mgsv bench peak",
            "  MGSV_THREADS=2 mgsv bench train --batch-size 32 --json bench-train-32.json",
            "  MGSV_THREADS=2 mgsv bench eval --n 2000 --runs 5 --json bench-eval-2000.json",
            "  MGSV_THREADS=2 mgsv bench search --tracks 4000 --queries 100 --json bench-search.json",
            "  MGSV_THREADS=2 mgsv bench extract --json bench-extract.json",
            "  mgsv bench annotate --json bench-annotate.json"
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
