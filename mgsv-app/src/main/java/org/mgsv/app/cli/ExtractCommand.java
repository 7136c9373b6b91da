package org.mgsv.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxSegmentEncoder;
import org.mgsv.media.encode.onnx.OrtOptions;
import org.mgsv.media.extract.FeatureExtractor;
import org.mgsv.media.video.VideoDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv extract}: raw videos and music → features in the published MGSV-EC layout. */
@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description = {
            "Extract MGSV features from your own videos and music, in the published layout.",
            "",
            "Videos: frames at 1 fps (frame i = second i, i = 0..floor(duration), at most 50), CLIP preprocessing, encoder → "
                    + "<out>/vit_feature1/vit_feature/<id>.pt [50,512] and vit_mask/<id>.pt [50].",
            "Music: decode, 16 kHz, channel 0, 96 fbank windows of 10 s every 2.5 s, encoder → "
                    + "<out>/ast_feature2p5/ast_feature/<id>.pt [96,768] and ast_mask/<id>.pt [96].",
            "Ids are file names without the extension, in Unicode NFC (clip_0042.mp4 → clip_0042, Привет.mp3 → "
                    + "Привет; control characters become _); two files with one id (sad.OGG, sad.mp3) are an error "
                    + "for the second. <out>/videos.csv and <out>/music.csv list each id with its source file, "
                    + "duration and encoder.",
            "Files already extracted with the same encoder are skipped, so an interrupted run can be restarted. "
                    + "Unreadable files (corrupt, truncated, no video/audio stream) are reported and skipped.",
            "From a directory (recursively; hidden files and folders skipped, symbolic links followed), videos "
                    + "are files ending in .mp4 .mov .mkv .webm .avi ... and music files ending in .mp3 .ogg .opus "
                    + ".wav .flac .m4a ...; a file named directly is always tried. A folder that cannot be read is "
                    + "reported and skipped.",
            "Exit code: 0 = everything extracted, 2 = some files failed or folders could not be read (listed), "
                    + "1 = bad arguments.",
            ""
        },
        footer = {
            "",
            "Encoders:",
            "  builtin  weight-free descriptors (default; no model files; their own",
            "           feature space: train MaDe on them)",
            "  onnx     CLIP ViT-B/32 image tower (--clip) and AST (--ast) in ONNX: the",
            "           published features (export: docs/encoders.md)",
            "",
            "Examples:",
            "  mgsv extract --videos my-videos/ --music my-music/ --out my-dataset",
            "  mgsv extract --videos clip.mp4 --out my-dataset",
            "  mgsv extract --videos big-folder/ --out ds --threads 16 --jobs 8",
            "  mgsv extract --engine spark --videos hdfs://nn/clips/ --out hdfs://nn/ds",
            "  mgsv extract --videos v/ --music m/ --encoder onnx \\",
            "      --clip clip-vit-b32.onnx --ast ast-audioset.onnx --out my-dataset"
        })
public final class ExtractCommand implements Callable<Integer> {
    @Option(names = "--videos", paramLabel = "<dir|file>", description = "A video file or a directory of videos.")
    Path videos;

    @Option(names = "--music", paramLabel = "<dir|file>", description = "A music file or a directory of tracks.")
    Path music;

    @Option(names = "--out", required = true, paramLabel = "<dataset-dir>", description = "Output dataset directory.")
    Path out;

    @Option(names = "--encoder", defaultValue = "builtin", paramLabel = "builtin|onnx",
            description = "Encoder family (default: ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--clip", paramLabel = "<model.onnx>", description = "CLIP image tower (with --encoder onnx).")
    Path clip;

    @Option(names = "--ast", paramLabel = "<model.onnx>", description = "AST model (with --encoder onnx).")
    Path ast;

    @Option(names = "--downmix", description = "Average the audio channels instead of taking channel 0 "
            + "(the reference takes channel 0).")
    boolean downmix;

    @Mixin ThreadsOption threads;

    @Option(names = "--jobs", defaultValue = "1", paramLabel = "<n>",
            description = "Files extracted at once (default ${DEFAULT-VALUE}); each gets --threads / --jobs threads."
                    + " On many cores, --jobs = cores / 2 is usually fastest.")
    int jobs;

    @Mixin EngineOptions engine;

    @Mixin PrecisionOption precision;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (videos == null && music == null) {
            throw new MgsvException("nothing to do: give --videos and/or --music");
        }
        precision.asked();
        if (engine.spark()) {
            precision.requireFp32ForSpark();
            // the option's text as typed: a URI such as hdfs://nn/x must not pass through Path
            return DistributedEngine.load("spark").extract(engine.master, new DistributedEngine.ExtractJob(
                    raw("--videos"), raw("--music"), spec.findOption("--out").originalStringValues().get(0), encoder,
                    clip == null ? null : clip.toString(), ast == null ? null : ast.toString(), downmix,
                    threads.orElse(1)));
        }
        int nThreads = threads.count();
        if (jobs < 1) {
            throw new MgsvException("--jobs must be at least 1");
        }
        int perJob = Math.max(1, nThreads / jobs);
        List<String> unlisted = new ArrayList<>();
        List<Path> videoFiles = videos == null ? List.of() : list(videos, MediaFiles.VIDEO_EXTENSIONS, unlisted);
        List<Path> musicFiles = music == null ? List.of() : list(music, MediaFiles.AUDIO_EXTENSIONS, unlisted);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MgsvException("--out " + out + " exists and is not a directory");
        }
        PrintStream err = System.err;
        if (encoder.equals("onnx")) {
            System.out.println(precision.explain());
        }
        try (FrameEncoder fe = videoFiles.isEmpty() ? null : frameEncoder(nThreads);
             SegmentEncoder se = musicFiles.isEmpty() ? null : segmentEncoder(nThreads)) {
            FeatureExtractor ex = new FeatureExtractor(out, fe, se,
                    new AstFrontEnd(downmix ? AstFrontEnd.Channels.DOWNMIX : AstFrontEnd.Channels.FIRST, perJob),
                    new VideoDecoder(VideoDecoder.MAX_FRAMES, perJob));
            // Ctrl-C: keep the index of what is already extracted
            Thread flushOnExit = new Thread(ex::flushCsv, "extract-csv-flush");
            Runtime.getRuntime().addShutdownHook(flushOnExit);
            AtomicInteger failed = new AtomicInteger();
            FeatureExtractor.Report report;
            try (ConsoleProgress bar = new ConsoleProgress("extract", videoFiles.size() + musicFiles.size())) {
                bar.suffix(() -> failed.get() == 0 ? "" : failed.get() + " failed");
                report = ex.run(videoFiles, musicFiles, jobs, bar::step, f -> {
                    failed.incrementAndGet();
                    err.println();
                    err.println("failed: " + f.file() + ": " + f.reason());
                });
            }
            Runtime.getRuntime().removeShutdownHook(flushOnExit);
            System.out.printf(Locale.ROOT, "extracted %d video(s) and %d track(s) into %s; %d already done%n",
                    report.videosExtracted(), report.musicExtracted(), out, report.skipped());
            if (videos != null && videoFiles.isEmpty()) {
                System.out.println("note: no video files found in " + videos);
            }
            if (music != null && musicFiles.isEmpty()) {
                System.out.println("note: no music files found in " + music);
            }
            if (!report.failures().isEmpty()) {
                System.out.println(report.failures().size() + " file(s) failed:");
                for (FeatureExtractor.Failure f : report.failures()) {
                    System.out.println("  " + f.file() + " (" + f.kind().name().toLowerCase(Locale.ROOT) + "): "
                            + f.reason());
                }
            }
            if (!unlisted.isEmpty()) {
                System.out.println(unlisted.size() + " place(s) could not be listed:");
                unlisted.forEach(u -> System.out.println("  " + u));
            }
            return report.failures().isEmpty() && unlisted.isEmpty() ? 0 : 2;
        }
    }

    /** The media files of {@code dirOrFile}; what could not be listed is warned about and kept for the summary. */
    static List<Path> list(Path dirOrFile, Set<String> extensions, List<String> unlisted) {
        MediaFiles.Listing l = MediaFiles.list(dirOrFile, extensions);
        unlisted.addAll(l.problems());
        return l.reportTo(System.err);
    }

    private List<String> raw(String option) {
        return List.copyOf(spec.findOption(option).originalStringValues());
    }

    private FrameEncoder frameEncoder(int nThreads) {
        switch (encoder) {
            case "builtin":
                return new BuiltinFrameEncoder();
            case "onnx":
                if (clip == null) {
                    throw new MgsvException("--encoder onnx needs --clip <model.onnx> to encode videos");
                }
                return new OnnxFrameEncoder(clip, null, null, 8, OrtOptions.defaults(nThreads), precision.encoders());
            default:
                throw new MgsvException("--encoder: '" + encoder + "' is not builtin or onnx");
        }
    }

    private SegmentEncoder segmentEncoder(int nThreads) {
        switch (encoder) {
            case "builtin":
                return new BuiltinSegmentEncoder();
            case "onnx":
                if (ast == null) {
                    throw new MgsvException("--encoder onnx needs --ast <model.onnx> to encode music");
                }
                return new OnnxSegmentEncoder(ast, null, null, 4, OrtOptions.defaults(nThreads), precision.encoders());
            default:
                throw new MgsvException("--encoder: '" + encoder + "' is not builtin or onnx");
        }
    }
}
