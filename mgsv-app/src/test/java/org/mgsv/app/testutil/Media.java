package org.mgsv.app.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test media made with the ffmpeg tool (tests skip when it is absent) and real music from wesnoth-music. */
public final class Media {
    private Media() {}

    public static boolean hasFfmpeg() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static void assumeFfmpeg() {
        Assumptions.assumeTrue(hasFfmpeg(), "ffmpeg not installed");
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** A test-pattern video with a tone soundtrack, moov atom first. */
    public static Path video(Path out, double seconds, int fps) throws IOException, InterruptedException {
        run("ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=" + fps + ":duration=" + seconds, "-f", "lavfi", "-i",
                "sine=frequency=330:duration=" + seconds, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart", out.toString());
        return out;
    }

    /** A music-like test track: tones with a pulse, as OGG Vorbis. */
    public static Path tone(Path out, double freq, double seconds) throws IOException, InterruptedException {
        run("ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i",
                "sine=frequency=" + freq + ":beep_factor=4:duration=" + seconds, "-c:a", "libvorbis", out.toString());
        return out;
    }

    /** Duration (s) of the container and the codec types of its streams, by ffprobe. */
    public static List<String> streams(Path file) throws IOException, InterruptedException {
        String out = run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                file.toString());
        List<String> s = new ArrayList<>();
        for (String l : out.strip().split("\\R")) {
            if (!l.isBlank()) {
                s.add(l.strip().replace(",", ""));
            }
        }
        return s;
    }

    public static double duration(Path file) throws IOException, InterruptedException {
        return Double.parseDouble(run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                "csv=p=0", file.toString()).strip());
    }

    /** Real recordings from Debian's wesnoth-music (GPL), or an empty list when not installed. */
    public static List<Path> wesnothOggs(int max) throws IOException {
        return org.mgsv.app.server.DemoMusic.wesnothTracks(max);
    }
}
