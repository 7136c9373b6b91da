package org.mgsv.bench.media;

import java.nio.file.Path;
import java.util.Locale;
import org.mgsv.core.util.Stats;
import org.mgsv.core.util.Threads;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.encode.FbankWindows;

/**
 * Benchmark of the audio front end: decode + resample + 96 fbank windows of one track, timed over
 * {@code repeats} runs after {@code warmup} untimed runs, reporting medians. Used by {@code mgsv bench}.
 */
public final class AudioBench {
    private AudioBench() {}

    /**
     * Medians in milliseconds. {@code decodeMs}: FFmpeg decode; {@code resampleMs}: reference PCM + resample to
     * 16 kHz of the fbank's channel; {@code fbankMs}: 96 windows; {@code totalMs}: the sum per run;
     * {@code realTime}: track seconds per second of total time (× real time); {@code builtinEncodeMs}: the
     * {@link BuiltinSegmentEncoder} on the 96 windows (windows in parallel, not part of the total).
     */
    public record Result(Path file, double trackSeconds, int threads, int repeats, double decodeMs,
            double resampleMs, double fbankMs, double totalMs, double realTime, double builtinEncodeMs) {
        /** One-paragraph human-readable summary. */
        public String summary() {
            return String.format(Locale.ROOT,
                    "audio front end on %s (%.1f s track, %d thread%s, median of %d): decode %.0f ms, resample %.0f ms,"
                            + " 96 fbank windows %.0f ms, total %.0f ms = %.0f× real time; builtin-v1 encoder %.0f ms",
                    file.getFileName(), trackSeconds, threads, threads == 1 ? "" : "s", repeats, decodeMs,
                    resampleMs, fbankMs, totalMs, realTime, builtinEncodeMs);
        }
    }

    /** Runs the benchmark on {@code file}. */
    public static Result run(Path file, int warmup, int repeats, int threads) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1");
        }
        AstFrontEnd fe = new AstFrontEnd(AstFrontEnd.Channels.FIRST, threads);
        double[] dec = new double[repeats], res = new double[repeats], fb = new double[repeats], tot = new double[repeats];
        double[] enc = new double[repeats];
        BuiltinSegmentEncoder encoder = new BuiltinSegmentEncoder();
        double seconds = 0;
        long sink = 0;
        for (int r = -warmup; r < repeats; r++) {
            long t0 = System.nanoTime();
            DecodedAudio a = AudioDecoder.decode(file);
            long t1 = System.nanoTime();
            float[] w = fe.waveform16k(a);
            long t2 = System.nanoTime();
            FbankWindows f = fe.compute(w);
            long t3 = System.nanoTime();
            float[][] e = encoder.encode(f);
            long t4 = System.nanoTime();
            sink += Float.floatToIntBits(f.windows()[0][0]) + Float.floatToIntBits(e[0][0]);
            seconds = a.durationSeconds();
            if (r >= 0) {
                dec[r] = (t1 - t0) / 1e6;
                res[r] = (t2 - t1) / 1e6;
                fb[r] = (t3 - t2) / 1e6;
                tot[r] = (t3 - t0) / 1e6;
                enc[r] = (t4 - t3) / 1e6;
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        double total = Stats.median(tot);
        return new Result(file, seconds, threads, repeats, Stats.median(dec), Stats.median(res), Stats.median(fb), total,
                seconds / (total / 1000.0), Stats.median(enc));
    }

    /** {@code java ... AudioBench <file> [repeats] [threads]}: prints the summary. */
    public static void main(String[] args) {
        Path f = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Threads.defaultCount();
        System.out.println(run(f, 2, repeats, threads).summary());
    }
}
