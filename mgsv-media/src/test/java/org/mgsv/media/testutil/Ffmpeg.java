package org.mgsv.media.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The ffmpeg/ffprobe command line, used by tests only to make and inspect media (tests skip without it). */
public final class Ffmpeg {
    private Ffmpeg() {}

    public static boolean available() {
        return find("ffmpeg") != null;
    }

    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "ffmpeg not installed");
    }

    static String find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        return null;
    }

    /** Runs {@code ffmpeg -y -loglevel error <args>} and fails on a non-zero exit. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(find("ffmpeg"), "-y", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(List.of(args));
        exec(cmd);
    }

    /** Runs {@code ffmpeg -y -hide_banner <args>} and returns its combined output (for filters that log results). */
    public static String runCapture(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(find("ffmpeg"), "-y", "-hide_banner"));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    /** Runs ffprobe with the given arguments and returns its stdout. */
    public static String probe(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(find("ffprobe"), "-v", "error"));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IOException("failed (" + p.exitValue() + "): " + cmd + "\n" + out);
        }
        return out;
    }

    /** A small H.264 mp4 whose grey level encodes the frame number (level = 4·N at 10 fps). */
    public static Path frameCounterVideo(Path file, double seconds, String size) throws IOException, InterruptedException {
        run("-f", "lavfi", "-i", "nullsrc=s=" + size + ":r=10:d=" + seconds + ",format=yuv444p,geq=lum='4*N':cb=128:cr=128",
                "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", file.toString());
        return file;
    }

    /** A short test-pattern mp4 with a sine soundtrack. */
    public static Path testVideo(Path file, double seconds, String size, int fps) throws IOException, InterruptedException {
        run("-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=" + fps + ":d=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:d=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                file.toString());
        return file;
    }

    /** Copies the first {@code fraction} of a file's bytes (a download cut short). */
    public static Path truncated(Path src, Path dst, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(src);
        Files.write(dst, java.util.Arrays.copyOf(b, (int) (b.length * fraction)));
        return dst;
    }
}
