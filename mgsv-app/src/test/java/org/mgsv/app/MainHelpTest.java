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
        List<String> warned = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), missing, warned);
        assertTrue(missing.isEmpty(), "commands whose --help shows no example: " + missing);
        // an unescaped % in a description makes picocli print a warning instead of the text
        assertTrue(warned.isEmpty(), "commands whose --help makes picocli warn: " + warned);
    }

    private static void collect(CommandLine cl, List<String> path, List<String> missing, List<String> warned) {
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            String help = run(args.toArray(String[]::new));
            if (!help.contains("Example")) {
                missing.add(String.join(" ", p));
            }
            if (help.contains("picocli WARN") || help.contains("Could not format")) {
                warned.add(String.join(" ", p) + ": " + help.substring(Math.max(0, help.indexOf("picocli WARN"))));
            }
            collect(e.getValue(), p, missing, warned);
        }
    }

    @Test
    void noDescriptionBreaksASentenceOverTwoParagraphs() {
        // picocli wraps each description element as its own paragraph: a sentence split over two elements is
        // printed with a line break in its middle
        List<String> broken = new ArrayList<>();
        scan(Main.commandLine(), "mgsv", broken);
        assertTrue(broken.isEmpty(), "descriptions broken mid-sentence:\n" + String.join("\n", broken));
    }

    private static void scan(CommandLine cl, String name, List<String> broken) {
        List<String[]> texts = new ArrayList<>();
        texts.add(cl.getCommandSpec().usageMessage().description());
        texts.add(cl.getCommandSpec().usageMessage().footer());
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            texts.add(o.description());
        }
        for (String[] t : texts) {
            for (int i = 0; i + 1 < t.length; i++) {
                String a = t[i].stripTrailing();
                String b = t[i + 1];
                if (!a.isEmpty() && !b.isEmpty() && !Character.isWhitespace(a.charAt(0))
                        && !Character.isWhitespace(b.charAt(0))
                        && ".:!?".indexOf(a.charAt(a.length() - 1)) < 0) {
                    broken.add(name + ": '" + a + "' / '" + b + "'");
                }
            }
        }
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            scan(e.getValue(), name + " " + e.getKey(), broken);
        }
    }
}
