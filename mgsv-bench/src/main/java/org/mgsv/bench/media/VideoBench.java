package org.mgsv.bench.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mgsv.core.util.Stats;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.video.ClipPreprocess;
import org.mgsv.media.video.VideoDecoder;

/**
 * Benchmark of the video front end on one file: 1 fps sampling (sequential decode, up to 50 frames) and CLIP
 * preprocessing of the sampled frames, timed over {@code repeats} runs after {@code warmup} untimed runs,
 * medians reported. Used by {@code mgsv bench extract}.
 */
public final class VideoBench {
    private VideoBench() {}

    /**
     * Medians in milliseconds per run; {@code framesPerSecond}: sampled frames per second of decode +
     * preprocessing; {@code videoSecondsPerSecond}: seconds of video covered per second of that time.
     */
    public record Result(Path file, int width, int height, double fps, double durationSeconds, int frames,
                         int decoderThreads, int repeats, double decodeMs, double preprocessMs, double builtinMs,
                         double totalMs, double framesPerSecond, double videoSecondsPerSecond) {
        public String summary() {
            return String.format(Locale.ROOT,
                    "video front end on %s (%dx%d, %.0f fps, %.1f s; %d frames sampled, decoder threads %s, median of %d):"
                            + " decode+sample %.0f ms, CLIP preprocess %.0f ms (%.1f ms/frame), total %.0f ms ="
                            + " %.1f frames/s (%.1f s of video per s); builtin-v1 encoder %.1f ms/frame",
                    file.getFileName(), width, height, fps, durationSeconds, frames,
                    decoderThreads == 0 ? "auto" : Integer.toString(decoderThreads), repeats, decodeMs,
                    preprocessMs, preprocessMs / Math.max(1, frames), totalMs, framesPerSecond,
                    videoSecondsPerSecond, builtinMs / Math.max(1, frames));
        }
    }

    public static Result run(Path file, int warmup, int repeats, int decoderThreads) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1");
        }
        VideoDecoder dec = new VideoDecoder(VideoDecoder.MAX_FRAMES, decoderThreads);
        BuiltinFrameEncoder builtin = new BuiltinFrameEncoder();
        double[] d = new double[repeats];
        double[] p = new double[repeats];
        double[] b = new double[repeats];
        double[] t = new double[repeats];
        VideoDecoder.VideoInfo info = null;
        int frames = 0;
        float sink = 0;
        for (int r = -warmup; r < repeats; r++) {
            List<RgbFrame> list = new ArrayList<>();
            long t0 = System.nanoTime();
            info = dec.decode(file, list::add);
            long t1 = System.nanoTime();
            float[] buf = new float[ClipPreprocess.FRAME_FLOATS];
            for (RgbFrame f : list) {
                ClipPreprocess.preprocess(f, buf, 0);
                sink += buf[12345];
            }
            long t2 = System.nanoTime();
            List<RgbFrame> small = new ArrayList<>();
            for (RgbFrame f : list) {
                small.add(builtin.prepare(f));
            }
            sink += builtin.encode(small)[0][0];
            long t3 = System.nanoTime();
            frames = list.size();
            if (r >= 0) {
                d[r] = (t1 - t0) / 1e6;
                p[r] = (t2 - t1) / 1e6;
                b[r] = (t3 - t2) / 1e6;
                t[r] = (t2 - t0) / 1e6;
            }
        }
        if (sink == 42.4242f) {
            System.out.print("");
        }
        double total = Stats.median(t);
        double covered = Math.min(info.durationSeconds(), frames);
        return new Result(file, info.width(), info.height(), info.fps(), info.durationSeconds(), frames,
                decoderThreads, repeats, Stats.median(d), Stats.median(p), Stats.median(b), total, frames / (total / 1000.0),
                covered / (total / 1000.0));
    }
}
