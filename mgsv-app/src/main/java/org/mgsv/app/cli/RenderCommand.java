package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mgsv.core.MgsvException;
import org.mgsv.media.render.SoundtrackRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgsv render}: a video with a chosen music moment as its soundtrack. */
@Command(
        name = "render",
        mixinStandardHelpOptions = true,
        description = {
            "Write a video with the moment [start, end] of a track as its soundtrack.",
            "",
            "The music is loudness-normalised (ITU-R BS.1770) to about -14 LUFS (never above -1 dBFS peak), faded "
                    + "in and out, and cut or padded with silence to the video's length; the video's own sound is "
                    + "dropped, or kept quietly underneath with --duck. Output: MP4 with the input's video stream copied "
                    + "(or re-encoded to H.264 with --reencode or when MP4 cannot hold it) and AAC 48 kHz stereo, "
                    + "written atomically.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mgsv render --video clip.mp4 --music song.mp3 --start 42.5 --end 61 \\",
            "      --out clip-with-song.mp4",
            "  mgsv render --video clip.mp4 --music song.ogg --start 0 --end 30 --duck \\",
            "      --fade-out 3 --out out.mp4"
        })
public final class RenderCommand implements Callable<Integer> {
    @Option(names = "--video", required = true, paramLabel = "<file>", description = "Input video.")
    Path video;

    @Option(names = "--music", required = true, paramLabel = "<file>", description = "Music track.")
    Path music;

    @Option(names = "--start", required = true, paramLabel = "<seconds>", description = "Moment start in the track.")
    double start;

    @Option(names = "--end", required = true, paramLabel = "<seconds>", description = "Moment end in the track.")
    double end;

    @Option(names = "--out", required = true, paramLabel = "<file.mp4>", description = "Output video.")
    Path out;

    @Option(names = "--duck", description = "Keep the video's own sound under the music (at --duck-db).")
    boolean duck;

    @Option(names = "--duck-db", defaultValue = "-18", description = "Gain of the ducked original sound (default ${DEFAULT-VALUE} dB).")
    double duckDb;

    @Option(names = "--lufs", defaultValue = "-14", description = "Music loudness target (default ${DEFAULT-VALUE} LUFS).")
    double lufs;

    @Option(names = "--fade-in", defaultValue = "0.5", description = "Fade-in seconds (default ${DEFAULT-VALUE}).")
    double fadeIn;

    @Option(names = "--fade-out", defaultValue = "1.5", description = "Fade-out seconds (default ${DEFAULT-VALUE}).")
    double fadeOut;

    @Option(names = "--reencode", description = "Re-encode the picture to H.264 instead of copying the video stream"
            + " (copying is the default when MP4 takes the codec: no quality loss, fast).")
    boolean reencode;

    @Override
    public Integer call() {
        if (fadeIn < 0 || fadeOut < 0) {
            throw new MgsvException("--fade-in/--fade-out must not be negative");
        }
        SoundtrackRenderer.Options o = new SoundtrackRenderer.Options(fadeIn, fadeOut, lufs,
                duck ? SoundtrackRenderer.OriginalAudio.DUCK : SoundtrackRenderer.OriginalAudio.DROP, duckDb, 192_000,
                !reencode);
        SoundtrackRenderer.Result r = SoundtrackRenderer.render(video, music, start, end, out, o);
        System.out.println(r.summary());
        return 0;
    }
}
