package org.mgsv.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.app.server.DemoMusic;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.MatmulPeak;
import org.mgsv.bench.media.AudioBench;
import org.mgsv.bench.media.GeneratedMedia;
import org.mgsv.bench.media.RealSizeBench;
import org.mgsv.bench.media.VideoBench;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Json;
import org.mgsv.core.util.Precision;
import org.mgsv.media.encode.onnx.EncoderPrecision;
import org.mgsv.media.encode.onnx.OrtOptions;
import org.mgsv.media.encode.onnx.RealSizeEncoders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mgsv bench extract}: speed of the media front end. Registered under {@code mgsv bench}.
 */
@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the media front end (video frame sampling, CLIP preprocessing, audio fbank).",
            "",
            "Video: 1 fps sampling + CLIP preprocessing of a 60 s 1080p clip (frames/s). Audio: decode + 16 kHz "
                    + "+ 96 fbank windows of a 4-minute track (× real time).",
            "Test media are made with the ffmpeg command line in a temporary directory unless --video/--audio "
                    + "are given. Medians of --repeats runs after --warmup runs; machine, threads and JVM are "
                    + "printed with the figures.",
            "",
            "--real-size: the ONNX encoders at real size — CLIP ViT-B/32 and AST stand-ins with random weights, "
                    + "built once into --models by Debian's python3-torch + python3-onnx — on the frames of a 24 s "
                    + "video and the windows of a real track (wesnoth-music when installed): ms per frame, per "
                    + "window, per 140 s track and per 24 s video, FLOPs and GFLOP/s, for fp32 and the reduced "
                    + "precision side by side (interleaved), with the cosine of the reduced features to fp32.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mgsv bench extract",
            "  mgsv bench extract --repeats 9 --threads 2 --json",
            "  mgsv bench extract --video my-clip.mp4 --audio my-song.mp3",
            "  mgsv bench extract --real-size --threads 2",
            "  mgsv bench extract --real-size --precision fp32 --tune --json"
        })
public final class BenchExtractCommand implements Callable<Integer> {
    @Option(names = "--video", paramLabel = "<file>", description = "Video to time (default: a generated 60 s 1080p clip).")
    Path video;

    @Option(names = "--audio", paramLabel = "<file>", description = "Track to time (default: a generated 4-minute stereo MP3).")
    Path audio;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs (median reported; default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Mixin ThreadsOption threads;

    @Option(names = "--only", paramLabel = "video|audio", description = "Run one part only.")
    String only;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "local|spark",
            description = "spark: files/s of the Spark extract job at each --masters (default local[1], local[2]) "
                    + "and the scaling ratio, on --files generated clips (or the --video given).")
    String engine;

    @Option(names = "--masters", split = ",", paramLabel = "<m>[,<m>...]", description = "Spark masters to compare.")
    List<String> masters = new ArrayList<>();

    @Option(names = "--files", defaultValue = "16", paramLabel = "<n>", description = "Clips for --engine spark "
            + "(default ${DEFAULT-VALUE}, 10 s 320x240).")
    int files;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(names = "--real-size", description = "Time the ONNX encoders at real size (see above) instead of the "
            + "front end.")
    boolean realSize;

    @Option(names = "--models", paramLabel = "<dir>", description = "Folder of the real-size models (built there "
            + "when missing; default: ~/.cache/mgsv/encoders).")
    Path models;

    @Option(names = "--tune", description = "With --real-size: also time each ONNX Runtime session setting (threads, "
            + "graph optimisation, memory arena, spinning, execution mode) against the defaults.")
    boolean tune;

    @Option(names = "--windows", defaultValue = "6", paramLabel = "<n>", description = "With --real-size: track "
            + "windows for the accuracy figures (default ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--peak-gflops", paramLabel = "<precision>=<GFLOP/s>", description = "With --real-size: the "
            + "machine's measured matmul peak per precision (e.g. fp32=220 --peak-gflops int8=900; default: ONNX Runtime's "
            + "fp32 and int8 peak cached by `mgsv bench peak`), to print each "
            + "figure as a fraction of it.")
    Map<String, Double> peakGflops = new LinkedHashMap<>();

    @Mixin PrecisionOption precision;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (repeats < 5) {
            throw new MgsvException("--repeats must be at least 5 (medians of fewer runs are noise)");
        }
        if (only != null && !only.equals("video") && !only.equals("audio")) {
            throw new MgsvException("--only: '" + only + "' is not video or audio");
        }
        if (engine.equals("spark")) {
            return benchSpark();
        } else if (!engine.equals("local")) {
            throw new MgsvException("--engine: '" + engine + "' is not local or spark");
        }
        int n = threads.count();
        if (realSize) {
            return benchRealSize(n);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", BenchInfo.mediaMachine(n));
        Path tmp = Files.createTempDirectory("mgsv-bench-");
        try {
            if (only == null || only.equals("video")) {
                Path v = video != null ? video : GeneratedMedia.video1080p60s(tmp.resolve("bench-1080p-60s.mp4"));
                if (!json) {
                    System.out.println("timing video front end on " + v + " ...");
                }
                VideoBench.Result r = VideoBench.run(v, warmup, repeats, n);
                result.put("video", r);
                if (!json) {
                    System.out.println(r.summary());
                }
            }
            if (only == null || only.equals("audio")) {
                Path a = audio != null ? audio : GeneratedMedia.track4min(tmp.resolve("bench-4min.mp3"));
                if (!json) {
                    System.out.println("timing audio front end on " + a + " ...");
                }
                AudioBench.Result r = AudioBench.run(a, warmup, repeats, n);
                result.put("audio", r);
                if (!json) {
                    System.out.println(r.summary());
                }
            }
        } finally {
            AtomicFiles.deleteRecursively(tmp);
        }
        print(result);
        return 0;
    }

    private void print(Map<String, Object> result) throws IOException {
        if (json) {
            System.out.println(Json.pretty(result));
        } else {
            System.out.println(result.get("machine"));
        }
    }

    /**
     * fp32 against the reduced precision (without --precision: bf16, i.e. int8 for ONNX Runtime; with
     * --precision fp32 only fp32).
     */
    private int benchRealSize(int n) throws IOException, InterruptedException {
        if (windows < 1) {
            throw new MgsvException("--windows must be at least 1");
        }
        boolean given = !spec.findOption("--precision").originalStringValues().isEmpty();
        EncoderPrecision reduced = given ? precision.encoders()
                : EncoderPrecision.of(Precision.BF16, CpuFeatures.current());
        List<EncoderPrecision> list = new ArrayList<>(List.of(EncoderPrecision.FP32));
        if (reduced != EncoderPrecision.FP32) {
            list.add(reduced);
        }
        java.io.PrintStream log = json ? System.err : System.out;
        if (given) {
            log.println(precision.explain());
        }
        Path dir = RealSizeEncoders.ensure(models != null ? models : RealSizeEncoders.defaultCache(), log);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", BenchInfo.mediaMachine(n));
        Path tmp = Files.createTempDirectory("mgsv-bench-");
        try {
            Path v = video != null ? video : GeneratedMedia.video24s(tmp.resolve("bench-24s.mp4"));
            Path a = audio;
            if (a == null) {
                List<Path> real = DemoMusic.wesnothTracks(1);
                if (real.isEmpty()) {
                    log.println("warning: no real music found (Debian's wesnoth-music); using a generated tone + "
                            + "noise track: give --audio for real figures");
                    a = GeneratedMedia.track140s(tmp.resolve("bench-140s.mp3"));
                } else {
                    a = real.get(0);
                }
            }
            log.println("real-size encoders on " + v.getFileName() + " and " + a.getFileName() + " ...");
            RealSizeBench.Result r = RealSizeBench.run(dir.resolve(RealSizeEncoders.CLIP),
                    dir.resolve(RealSizeEncoders.AST), v, a, list, OrtOptions.defaults(n), warmup, repeats, windows,
                    tune, log);
            Map<String, Double> peak = peakGflops;
            if (peak.isEmpty()) {
                // the ONNX Runtime peak `mgsv bench peak` cached for this CPU and thread count, when there is one
                peak = MatmulPeak.ortPeaks(MatmulPeak.defaultFile(), n);
                if (peak.isEmpty()) {
                    log.println("no cached ONNX Runtime peak for this CPU and " + n + " threads: run `mgsv bench peak`"
                            + " (or pass --peak-gflops) to see each figure as a fraction of it");
                }
            }
            if (!peak.isEmpty()) {
                r = r.withPeak(peak);
            }
            result.put("video", v);
            result.put("audio", a);
            result.put("realSize", r);
            if (list.contains(EncoderPrecision.INT8)) {
                result.put("int8WeightBits", org.mgsv.media.encode.onnx.Int8Quantizer.effectiveWeightBits());
            }
            result.put("loadAverageEnd", BenchInfo.loadAverage());
            if (!json) {
                System.out.print(r.summary());
            }
        } finally {
            AtomicFiles.deleteRecursively(tmp);
        }
        print(result);
        return 0;
    }

    private int benchSpark() throws IOException, InterruptedException {
        DistributedEngine spark = DistributedEngine.load("spark");
        Path tmp = Files.createTempDirectory("mgsv-bench-");
        try {
            List<String> inputs = new ArrayList<>();
            if (video != null) {
                inputs.add(video.toString());
            } else {
                Path dir = Files.createDirectories(tmp.resolve("clips"));
                System.out.println("generating " + files + " clips ...");
                GeneratedMedia.clips(dir, files);
                inputs.add(dir.toString());
            }
            return spark.benchExtract(masters, inputs, repeats);
        } finally {
            AtomicFiles.deleteRecursively(tmp);
        }
    }
}
