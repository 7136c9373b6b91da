package org.mgsv.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Python snippets with a PyTorch installation (Debian's python3-torch by default; override with the
 * system property {@code mgsv.python} or the environment variable {@code MGSV_PYTHON}) for interoperability
 * tests. Tests call {@link #assumeTorch()} first so
 * they are skipped where no such Python exists.
 */
public final class Python {
    private Python() {}

    private static Boolean torchAvailable;

    public static String executable() {
        String env = System.getenv("MGSV_PYTHON");
        return System.getProperty("mgsv.python", env != null && !env.isEmpty() ? env : "/usr/bin/python3");
    }

    /** Skips the calling test unless Python with torch and numpy can be run. */
    public static synchronized void assumeTorch() {
        if (torchAvailable == null) {
            boolean ok = false;
            if (Files.isExecutable(Path.of(executable()))) {
                try {
                    ok = run("import torch, numpy", List.of()).exitCode == 0;
                } catch (RuntimeException e) {
                    ok = false;
                }
            }
            torchAvailable = ok;
        }
        Assumptions.assumeTrue(torchAvailable, "no " + executable() + " with torch and numpy");
    }

    /** Exit code plus combined output of a run. */
    public static final class Result {
        public final int exitCode;
        public final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    /** Runs {@code code} with {@code args} as {@code sys.argv[1:]}; waits at most 120 s. */
    public static Result run(String code, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable());
        cmd.add("-c");
        cmd.add(code);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("python timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code code} and fails with its output unless it exits 0; returns the output. */
    public static String runOrFail(String code, List<String> args) {
        Result r = run(code, args);
        if (r.exitCode != 0) {
            throw new AssertionError("python failed (exit " + r.exitCode + "):\n" + r.output);
        }
        return r.output;
    }
}
