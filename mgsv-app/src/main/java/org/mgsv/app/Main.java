package org.mgsv.app;

import java.io.PrintWriter;
import java.util.List;
import org.mgsv.core.MgsvException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code mgsv} command line. Every command is a picocli {@link Command} listed in
 * {@link #COMMANDS}; {@code mgsv --help} prints them with their one-line descriptions.
 */
@Command(
        name = "mgsv",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Music Grounding by Short Video: find the track and the moment that best fit a short video.",
            "The model is MaDe (ICCV 2025): it reads per-second CLIP frame features and per-window AST music "
            + "features, ranks tracks and predicts the moment's start/end.",
            ""
        },
        footer = {
            "",
            "Run 'mgsv <command> --help' for a command's options and examples.",
            "Environment: MGSV_THREADS (compute threads, default = cores), JAVA_OPTS (extra JVM options)."
        },
        subcommandsRepeatable = false)
public final class Main implements Runnable {

    /** Every subcommand, in the order {@code --help} lists them. */
    static final List<Class<?>> COMMANDS = List.of(
            org.mgsv.app.cli.QuickstartCommand.class,
            org.mgsv.app.cli.SynthCommand.class,
            org.mgsv.app.cli.PackCommand.class,
            org.mgsv.app.cli.ExtractCommand.class,
            org.mgsv.app.cli.AnnotateCommand.class,
            org.mgsv.app.cli.FbankCommand.class,
            org.mgsv.app.cli.ImportTorchCommand.class,
            org.mgsv.app.cli.PredictCommand.class,
            org.mgsv.app.cli.TrainCommand.class,
            org.mgsv.app.cli.EvalCommand.class,
            org.mgsv.app.cli.ScoreCommand.class,
            org.mgsv.app.cli.IndexCommand.class,
            org.mgsv.app.cli.GroundCommand.class,
            org.mgsv.app.cli.ServeCommand.class,
            org.mgsv.app.cli.RenderCommand.class,
            org.mgsv.app.cli.BenchCommand.class);

    /** SLF4J logger of DJL's CUDA probe (it runs whenever an engine starts). */
    static final String CUDA_PROBE_LOGGER = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

    static {
        // mgsv runs on the bundled CPU libtorch. Where CUDA libraries are installed without a usable driver,
        // DJL's GPU probe logs "Failed to detect GPU count: CUDA driver version is insufficient" on every
        // engine start: noise on a CPU-only run. Quiet it unless the user set that logger's level.
        if (System.getProperty(CUDA_PROBE_LOGGER) == null) {
            System.setProperty(CUDA_PROBE_LOGGER, "error");
        }
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : COMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            PrintWriter err = commandLine.getErr();
            if (t instanceof MgsvException) {
                err.println("error: " + t.getMessage());
                return 1;
            }
            if (t instanceof java.io.UncheckedIOException || t instanceof java.io.IOException) {
                err.println("error: " + t.getMessage());
                return 1;
            }
            err.println("error: unexpected " + t.getClass().getSimpleName() + ": " + t.getMessage());
            t.printStackTrace(err);
            return 3;
        });
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** Version from the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mgsv " + (v == null ? "dev" : v)};
        }
    }
}
