package org.mgsv.app.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/**
 * {@link Renderer} on the {@code ffmpeg} command-line tool (looked up on PATH, or {@code MGSV_FFMPEG}). The video
 * stream is copied when the container allows it, else re-encoded with libx264; the music is cut to the moment,
 * faded in/out (0.5 s, shorter for very short clips), normalised with EBU R128 {@code loudnorm} to −14 LUFS and
 * encoded as AAC; with {@link OriginalAudio#DUCK} the video's own sound is mixed in 15 dB lower. The output is
 * written atomically.
 */
public final class FfmpegRenderer implements Renderer {
    private final String ffmpeg;
    private final long timeoutSeconds;

    public FfmpegRenderer() {
        this(System.getenv().getOrDefault("MGSV_FFMPEG", "ffmpeg"), 300);
    }

    public FfmpegRenderer(String ffmpeg, long timeoutSeconds) {
        this.ffmpeg = ffmpeg;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Whether the ffmpeg tool can be run. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder(System.getenv().getOrDefault("MGSV_FFMPEG", "ffmpeg"), "-version")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void render(Path video, Path music, double start, double end, OriginalAudio original, Path out) {
        if (!(end > start)) {
            throw new MgsvException("render: moment end " + end + " must be after start " + start);
        }
        double len = end - start;
        double fade = Math.min(0.5, len / 4);
        String name = out.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : ".mp4";
        AtomicFiles.write(out, os -> {
            Path tmp = Files.createTempFile("mgsv-render-", ext);
            try {
                run(video, music, start, len, fade, original, tmp, true);
                if (Files.size(tmp) == 0) {
                    run(video, music, start, len, fade, original, tmp, false);
                }
                Files.copy(tmp, os);
            } finally {
                Files.deleteIfExists(tmp);
            }
        });
    }

    private void run(Path video, Path music, double start, double len, double fade, OriginalAudio original, Path tmp,
            boolean copyVideo) throws IOException {
        String musicChain = String.format(Locale.ROOT,
                "[1:a]aformat=channel_layouts=stereo,afade=t=in:st=0:d=%.3f,afade=t=out:st=%.3f:d=%.3f,"
                        + "loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000",
                fade, Math.max(0, len - fade), fade);
        String filter;
        if (original == OriginalAudio.DUCK) {
            filter = musicChain + "[m];[0:a]aformat=channel_layouts=stereo,volume=-15dB,aresample=48000[o];"
                    + "[m][o]amix=inputs=2:duration=first:normalize=0[a]";
        } else {
            filter = musicChain + "[a]";
        }
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-y", "-v", "error", "-i", video.toString(),
                "-ss", fmt(start), "-t", fmt(len), "-i", music.toString(), "-filter_complex", filter,
                "-map", "0:v:0", "-map", "[a]"));
        if (copyVideo) {
            cmd.addAll(List.of("-c:v", "copy"));
        } else {
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"));
        }
        cmd.addAll(List.of("-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-shortest", "-movflags", "+faststart",
                tmp.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] log;
        try {
            log = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new MgsvException("render: ffmpeg did not finish in " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MgsvException("render interrupted");
        }
        if (p.exitValue() != 0) {
            String msg = new String(log, StandardCharsets.UTF_8).strip();
            if (copyVideo && original == OriginalAudio.DUCK && msg.contains("matches no streams")) {
                // the video has no sound of its own: nothing to duck
                run(video, music, start, len, fade, OriginalAudio.DROP, tmp, copyVideo);
                return;
            }
            if (copyVideo) {
                Files.deleteIfExists(tmp);
                Files.createFile(tmp);
                return; // caller retries with re-encoding
            }
            throw new MgsvException("render of " + video.getFileName() + " failed: "
                    + msg.substring(0, Math.min(600, msg.length())));
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
