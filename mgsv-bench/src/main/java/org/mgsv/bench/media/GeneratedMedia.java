package org.mgsv.bench.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.mgsv.core.MgsvException;

/**
 * The media the front-end benches time when none is given, made with the ffmpeg command line: synthetic video
 * (testsrc2) and tone + noise tracks of the lengths the figures are quoted for.
 */
public final class GeneratedMedia {
    private GeneratedMedia() {}

    /** A 60 s 1080p clip at 30 fps (H.264). */
    public static Path video1080p60s(Path file) throws IOException, InterruptedException {
        return generate(file, "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=60", "-c:v", "libx264", "-preset",
                "veryfast", "-pix_fmt", "yuv420p");
    }

    /** A 4-minute stereo MP3 at 192 kbps: a 220 Hz tone with noise. */
    public static Path track4min(Path file) throws IOException, InterruptedException {
        return generate(file, "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:d=240", "-f", "lavfi", "-i",
                "anoisesrc=d=240:a=0.05:sample_rate=44100", "-filter_complex",
                "[0][1]amix=inputs=2,aformat=channel_layouts=stereo", "-b:a", "192k");
    }

    /** A 24 s 640x360 clip at 25 fps (H.264), the video the real-size encoders are quoted for. */
    public static Path video24s(Path file) throws IOException, InterruptedException {
        return generate(file, "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=24", "-c:v", "libx264", "-preset",
                "veryfast", "-pix_fmt", "yuv420p");
    }

    /** A 140 s track (tone + noise), the length the real-size encoders are quoted for. */
    public static Path track140s(Path file) throws IOException, InterruptedException {
        return generate(file, "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:d=140", "-f", "lavfi", "-i",
                "anoisesrc=d=140:a=0.05:sample_rate=44100", "-filter_complex", "[0][1]amix=inputs=2");
    }

    /** {@code count} 10 s 320x240 clips, each of another hue, named clip000.mp4, clip001.mp4, … in {@code dir}. */
    public static void clips(Path dir, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            generate(dir.resolve(String.format(Locale.ROOT, "clip%03d.mp4", i)), "-f", "lavfi", "-i",
                    "testsrc2=s=320x240:r=25:d=10", "-vf", "hue=h=" + (i * 23), "-c:v", "libx264", "-preset",
                    "veryfast", "-pix_fmt", "yuv420p");
        }
    }

    /** Runs {@code ffmpeg -nostdin -y -loglevel error <args> <file>}; an error names the file and ffmpeg's words. */
    static Path generate(Path file, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error"));
        cmd.addAll(List.of(args));
        cmd.add(file.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new MgsvException("the ffmpeg command line is needed to make test media: install ffmpeg or give "
                    + "--video/--audio");
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new MgsvException("ffmpeg could not make " + file.getFileName() + ": " + log.trim());
        }
        return file;
    }
}
