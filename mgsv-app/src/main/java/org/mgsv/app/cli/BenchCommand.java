package org.mgsv.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mgsv bench}: parent of the benchmark subcommands (each prints figures, none is a test). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks on synthetic inputs of the reference shapes: machine, threads, JVM, median of repeated runs, peak RSS.",
        subcommands = {
            BenchEvalCommand.class,
            BenchTrainCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  mgsv bench eval --n 500",
            "  MGSV_THREADS=2 mgsv bench train --batch-size 32 --json bench-train-32.json",
            "  MGSV_THREADS=2 mgsv bench eval --n 2000 --runs 5 --json bench-eval-2000.json"
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
