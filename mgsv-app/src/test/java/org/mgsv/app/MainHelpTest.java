package org.mgsv.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI teaches: every command is listed with one line, and every command's --help shows examples. */
class MainHelpTest {

    /** Runs the command line, asserts it exits 0, and returns what it wrote to stdout and stderr. */
    private static String run(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), "exit code of " + String.join(" ", args) + "\n" + r.out() + r.err());
        return r.out() + r.err();
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        String help = run("--help");
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            assertTrue(help.contains("  " + name + " "), "mgsv --help lists " + name + "\n" + help);
        }
        assertTrue(Main.commandLine().getSubcommands().keySet().containsAll(
                List.of("synth", "pack", "extract", "import-torch", "predict", "train", "eval", "score",
                        "index", "ground", "serve", "bench")));
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        List<String> missing = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), missing);
        assertTrue(missing.isEmpty(), "commands whose --help shows no example: " + missing);
    }

    private static void collect(CommandLine cl, List<String> path, List<String> missing) {
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            String help = run(args.toArray(String[]::new));
            if (!help.contains("Example")) {
                missing.add(String.join(" ", p));
            }
            collect(e.getValue(), p, missing);
        }
    }
}
