package org.mgsv.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mgsv bench}: benchmarks (one subcommand each). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures with the machine they ran on.",
        subcommands = {BenchSearchCommand.class},
        footer = {"", "Examples:", "  mgsv bench search", "  mgsv bench search --tracks 4000 --queries 100 --json bench.json"})
public final class BenchCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
