package org.mgsv.bench.media;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgsv.core.util.Stats;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.encode.onnx.EncoderPrecision;
import org.mgsv.media.encode.onnx.OnnxFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxSegmentEncoder;
import org.mgsv.media.encode.onnx.OrtOptions;
import org.mgsv.media.encode.onnx.RealSizeEncoders;
import org.mgsv.media.video.VideoDecoder;

/**
 * Speed and accuracy of the ONNX encoders at real size ({@link RealSizeEncoders}) on real inputs: frames of a
 * video and fbank windows of a music track. Float32 and the reduced precision run interleaved in one process
 * (same load for both), so their ratio is fair on a busy machine; the medians give ms per frame (batches of 8),
 * per AST window (one at a time), per 140 s track (57 windows) and per 24 s video (25 frames), the FLOPs and the
 * achieved GFLOP/s. Accuracy: cosine of the reduced-precision features to float32 on every frame and on
 * windows spread over the track (mean ≥ 0.999 and min ≥ 0.995 hold it).
 */
public final class RealSizeBench {
    /** 1 fps frames of a 24 s video. */
    public static final int FRAMES_PER_VIDEO = 25;
    /** Valid windows (centre ≤ duration) of a 140 s track. */
    public static final int WINDOWS_PER_TRACK = (int) Math.floor(140 / AstFrontEnd.STRIDE_S) + 1;
    public static final double MIN_MEAN_COSINE = 0.999;
    public static final double MIN_COSINE = 0.995;
    static final int FRAME_BATCH = 8;

    private RealSizeBench() {}

    /** Timing and accuracy of one precision. */
    public record Figures(String precision, double loadSeconds, double msPerFrame, double msPerWindow,
                          double secondsPerTrack140, double secondsPerVideo24, double frameGflops,
                          double windowGflops, Double frameMeanCosine, Double frameMinCosine,
                          Double windowMeanCosine, Double windowMinCosine, Boolean holdsAccuracy) {}

    /** One session-option variant against the defaults, interleaved: ms per frame of each and the ratio. */
    public record Tuning(String variant, String options, double msPerFrame, double defaultMsPerFrame, double ratio) {}

    public record Result(String options, int threads, double frameFlops, double windowFlops, int accuracyFrames,
                         int accuracyWindows, List<Figures> figures, List<Tuning> tuning,
                         Map<String, Double> fractionOfPeak) {
        /**
         * The hook for a measured matmul peak: each precision's achieved GFLOP/s as a fraction of the peak of
         * its arithmetic ({@code peakGflops} keyed "fp32", "int8"; missing keys are skipped).
         */
        public Result withPeak(Map<String, Double> peakGflops) {
            Map<String, Double> f = new LinkedHashMap<>();
            for (Figures x : figures) {
                Double peak = peakGflops.get(x.precision());
                if (peak != null && peak > 0) {
                    f.put(x.precision() + ".frame", x.frameGflops() / peak);
                    f.put(x.precision() + ".window", x.windowGflops() / peak);
                }
            }
            return new Result(options, threads, frameFlops, windowFlops, accuracyFrames, accuracyWindows, figures,
                    tuning, f);
        }

        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "real-size encoders (ONNX Runtime, %s); CLIP ViT-B/32 %.2f GFLOP a "
                    + "frame, AST %.1f GFLOP a window%n", options, frameFlops / 1e9, windowFlops / 1e9));
            sb.append(String.format(Locale.ROOT, "  %-9s %7s %9s %10s %9s %9s %8s %8s  %s%n", "precision", "load s",
                    "ms/frame", "ms/window", "s/track", "s/video", "GFLOP/s", "GFLOP/s", "cosine to fp32 "
                            + "(frames mean/min; windows mean/min)"));
            sb.append(String.format(Locale.ROOT, "  %-9s %7s %9s %10s %9s %9s %8s %8s%n", "", "", "", "", "(140 s)",
                    "(24 s)", "frame", "window"));
            Figures base = figures.get(0);
            for (Figures x : figures) {
                String cos = x.frameMeanCosine() == null ? "-" : String.format(Locale.ROOT,
                        "%.5f/%.5f; %.5f/%.5f %s", x.frameMeanCosine(), x.frameMinCosine(), x.windowMeanCosine(),
                        x.windowMinCosine(), x.holdsAccuracy() ? "holds" : "FAILS (mean >= 0.999, min >= 0.995)");
                sb.append(String.format(Locale.ROOT, "  %-9s %7.1f %9.1f %10.0f %9.1f %9.2f %8.1f %8.1f  %s%n",
                        x.precision(), x.loadSeconds(), x.msPerFrame(), x.msPerWindow(), x.secondsPerTrack140(),
                        x.secondsPerVideo24(), x.frameGflops(), x.windowGflops(), cos));
                if (x != base) {
                    sb.append(String.format(Locale.ROOT, "  %s vs fp32: frame %.2fx, window %.2fx faster%n",
                            x.precision(), base.msPerFrame() / x.msPerFrame(), base.msPerWindow() / x.msPerWindow()));
                }
            }
            for (Map.Entry<String, Double> e : fractionOfPeak.entrySet()) {
                sb.append(String.format(Locale.ROOT, "  %s: %.0f%% of the measured peak%n", e.getKey(),
                        100 * e.getValue()));
            }
            if (!tuning.isEmpty()) {
                sb.append("  session options (CLIP frames, each variant interleaved with the defaults):\n");
                for (Tuning t : tuning) {
                    sb.append(String.format(Locale.ROOT, "    %-22s %8.1f ms/frame vs %8.1f  ratio %.2f%n",
                            t.variant(), t.msPerFrame(), t.defaultMsPerFrame(), t.ratio()));
                }
            }
            return sb.toString();
        }
    }

    /**
     * @param precisions  float32 first, then the reduced ones to compare
     * @param windowsUsed windows of the track encoded for the accuracy figures (spread over its valid windows)
     * @param tune        also time session-option variants against {@link OrtOptions#defaults}
     */
    public static Result run(Path clip, Path ast, Path video, Path music, List<EncoderPrecision> precisions,
                             OrtOptions options, int warmup, int repeats, int windowsUsed, boolean tune,
                             PrintStream log) {
        List<RgbFrame> frames = new ArrayList<>();
        new VideoDecoder(VideoDecoder.MAX_FRAMES, Math.max(1, options.threads())).decode(video, frames::add);
        FbankWindows fb = new AstFrontEnd(AstFrontEnd.Channels.FIRST, Math.max(1, options.threads())).compute(music);
        int[] valid = validWindows(fb.mask());
        int[] chosen = spread(valid, windowsUsed);
        int n = precisions.size();
        OnnxFrameEncoder[] fe = new OnnxFrameEncoder[n];
        OnnxSegmentEncoder[] se = new OnnxSegmentEncoder[n];
        double[] load = new double[n];
        List<Figures> figures = new ArrayList<>();
        List<Tuning> tuning = new ArrayList<>();
        try {
            for (int p = 0; p < n; p++) {
                long t0 = System.nanoTime();
                fe[p] = new OnnxFrameEncoder(clip, null, null, FRAME_BATCH, options, precisions.get(p));
                se[p] = new OnnxSegmentEncoder(ast, null, null, 1, options, precisions.get(p));
                load[p] = (System.nanoTime() - t0) / 1e9;
            }
            List<RgbFrame> prepared = new ArrayList<>();
            for (RgbFrame f : frames) {
                prepared.add(fe[0].prepare(f));
            }
            List<RgbFrame> batch = new ArrayList<>();
            for (int i = 0; i < FRAME_BATCH; i++) {
                batch.add(prepared.get(i % prepared.size()));
            }
            double[][] frameMs = new double[n][repeats];
            double[][] windowMs = new double[n][repeats];
            log(log, "timing " + n + " precision(s): " + (warmup + repeats) + " rounds of " + FRAME_BATCH
                    + " frames and 1 window each ...");
            for (int r = -warmup; r < repeats; r++) {
                int w = valid[Math.floorMod(r, valid.length)];
                FbankWindows one = only(fb, w);
                for (int p = 0; p < n; p++) {
                    long t0 = System.nanoTime();
                    fe[p].encode(batch);
                    long t1 = System.nanoTime();
                    se[p].encode(one);
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        frameMs[p][r] = (t1 - t0) / 1e6 / FRAME_BATCH;
                        windowMs[p][r] = (t2 - t1) / 1e6;
                    }
                }
            }
            float[][] refFrames = null;
            float[][] refWindows = null;
            log(log, "accuracy on " + prepared.size() + " frames and " + chosen.length + " windows ...");
            for (int p = 0; p < n; p++) {
                float[][] yf = fe[p].encode(prepared);
                float[][] yw = pick(se[p].encode(subset(fb, chosen)), chosen);
                double fm = Stats.median(frameMs[p]);
                double wm = Stats.median(windowMs[p]);
                Double[] cf = {null, null};
                Double[] cw = {null, null};
                Boolean holds = null;
                if (p == 0) {
                    refFrames = yf;
                    refWindows = yw;
                } else {
                    cf = EncoderPrecision.cosines(refFrames, yf);
                    cw = EncoderPrecision.cosines(refWindows, yw);
                    holds = cf[0] >= MIN_MEAN_COSINE && cf[1] >= MIN_COSINE && cw[0] >= MIN_MEAN_COSINE
                            && cw[1] >= MIN_COSINE;
                }
                figures.add(new Figures(precisions.get(p).label(), load[p], fm, wm, wm * WINDOWS_PER_TRACK / 1e3,
                        fm * FRAMES_PER_VIDEO / 1e3, RealSizeEncoders.clipFlopsPerFrame() / fm / 1e6,
                        RealSizeEncoders.astFlopsPerWindow() / wm / 1e6, cf[0], cf[1], cw[0], cw[1], holds));
            }
        } finally {
            for (int p = 0; p < n; p++) {
                if (fe[p] != null) {
                    fe[p].close();
                }
                if (se[p] != null) {
                    se[p].close();
                }
            }
        }
        if (tune) {
            tuning = tune(clip, frames, options, precisions.get(precisions.size() - 1), warmup, repeats, log);
        }
        return new Result(options.describe(), options.threads(), RealSizeEncoders.clipFlopsPerFrame(),
                RealSizeEncoders.astFlopsPerWindow(), frames.size(), chosen.length, figures, tuning, Map.of());
    }

    /** Each variant differs from {@code base} in one setting; timed interleaved with a session of {@code base}. */
    static List<Tuning> tune(Path clip, List<RgbFrame> frames, OrtOptions base, EncoderPrecision precision,
                             int warmup, int repeats, PrintStream log) {
        int t = base.threads() > 0 ? base.threads() : Runtime.getRuntime().availableProcessors();
        Map<String, OrtOptions> variants = new LinkedHashMap<>();
        variants.put(t == 1 ? "threads 2" : "threads 1", base.withThreads(t == 1 ? 2 : 1));
        variants.put("opt basic", new OrtOptions(base.threads(),
                ai.onnxruntime.OrtSession.SessionOptions.OptLevel.BASIC_OPT, base.memoryArena(), base.spinning(),
                base.parallel()));
        variants.put("opt extended", new OrtOptions(base.threads(),
                ai.onnxruntime.OrtSession.SessionOptions.OptLevel.EXTENDED_OPT, base.memoryArena(), base.spinning(),
                base.parallel()));
        variants.put("arena " + (base.memoryArena() ? "off" : "on"), new OrtOptions(base.threads(), base.optLevel(),
                !base.memoryArena(), base.spinning(), base.parallel()));
        variants.put("spin " + (base.spinning() ? "off" : "on"), new OrtOptions(base.threads(), base.optLevel(),
                base.memoryArena(), !base.spinning(), base.parallel()));
        variants.put(base.parallel() ? "sequential" : "parallel", new OrtOptions(base.threads(), base.optLevel(),
                base.memoryArena(), base.spinning(), !base.parallel()));
        List<Tuning> out = new ArrayList<>();
        List<RgbFrame> batch = new ArrayList<>();
        for (int i = 0; i < FRAME_BATCH; i++) {
            batch.add(frames.get(i % frames.size()));
        }
        for (Map.Entry<String, OrtOptions> v : variants.entrySet()) {
            log(log, "session options: " + v.getKey() + " (" + precision.label() + ") ...");
            try (OnnxFrameEncoder a = new OnnxFrameEncoder(clip, null, null, FRAME_BATCH, base, precision);
                 OnnxFrameEncoder b = new OnnxFrameEncoder(clip, null, null, FRAME_BATCH, v.getValue(), precision)) {
                List<RgbFrame> prepared = new ArrayList<>();
                for (RgbFrame f : batch) {
                    prepared.add(a.prepare(f));
                }
                double[] ta = new double[repeats];
                double[] tb = new double[repeats];
                for (int r = -warmup; r < repeats; r++) {
                    boolean aFirst = (r & 1) == 0;
                    for (int k = 0; k < 2; k++) {
                        OnnxFrameEncoder e = (k == 0) == aFirst ? a : b;
                        long t0 = System.nanoTime();
                        e.encode(prepared);
                        double ms = (System.nanoTime() - t0) / 1e6 / FRAME_BATCH;
                        if (r >= 0) {
                            (e == a ? ta : tb)[r] = ms;
                        }
                    }
                }
                double ma = Stats.median(ta);
                double mb = Stats.median(tb);
                out.add(new Tuning(v.getKey(), v.getValue().describe(), mb, ma, mb / ma));
            }
        }
        return out;
    }

    private static void log(PrintStream log, String s) {
        if (log != null) {
            log.println(s);
        }
    }

    static int[] validWindows(float[] mask) {
        return java.util.stream.IntStream.range(0, mask.length).filter(s -> mask[s] != 0).toArray();
    }

    /** Up to {@code k} of {@code valid}, evenly spread. */
    static int[] spread(int[] valid, int k) {
        int m = Math.min(Math.max(1, k), valid.length);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = valid[(int) ((long) i * valid.length / m)];
        }
        return out;
    }

    private static FbankWindows only(FbankWindows fb, int w) {
        return subset(fb, new int[] {w});
    }

    private static FbankWindows subset(FbankWindows fb, int[] keep) {
        float[] mask = new float[FbankWindows.WINDOWS];
        float[][] win = new float[FbankWindows.WINDOWS][];
        for (int s = 0; s < win.length; s++) {
            win[s] = fb.windows()[s];
        }
        for (int s : keep) {
            mask[s] = 1;
        }
        return new FbankWindows(win, mask, fb.durationSeconds());
    }

    private static float[][] pick(float[][] rows, int[] which) {
        float[][] out = new float[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = rows[which[i]];
        }
        return out;
    }
}
