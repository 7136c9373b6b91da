package org.mgsv.app;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One in-process run of the {@code mgsv} command line ({@link Main#commandLine()}) for tests: its exit code and
 * everything it wrote. Some commands print through picocli's writers and some through {@link System#out} /
 * {@link System#err}, so both are captured: {@link #out()} holds what went to picocli's out writer and to
 * {@code System.out}, {@link #err()} what went to picocli's err writer and to {@code System.err}, each in the
 * order written. {@code System.out} and {@code System.err} are restored when the run ends, even when it throws.
 *
 * @param code the exit code {@link CommandLine#execute} returned
 * @param out the standard output text
 * @param err the standard error text
 */
public record CliRun(int code, String out, String err) {

    /** Runs {@code mgsv args...} on a fresh command line, capturing both output channels. */
    public static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        PrintStream sysOut = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream sysErr = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintWriter cliOut = new PrintWriter(new OutputStreamWriter(sysOut, StandardCharsets.UTF_8), true);
        PrintWriter cliErr = new PrintWriter(new OutputStreamWriter(sysErr, StandardCharsets.UTF_8), true);
        int code;
        try {
            System.setOut(sysOut);
            System.setErr(sysErr);
            CommandLine cl = Main.commandLine();
            cl.setOut(cliOut);
            cl.setErr(cliErr);
            code = cl.execute(args);
        } finally {
            cliOut.flush();
            cliErr.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
