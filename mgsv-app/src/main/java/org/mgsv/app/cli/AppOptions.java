package org.mgsv.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mgsv.core.MgsvException;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.encode.onnx.EncoderPrecision;
import org.mgsv.media.encode.onnx.OnnxFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxSegmentEncoder;
import org.mgsv.media.encode.onnx.OrtOptions;
import org.mgsv.search.DefaultMediaPipeline;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MadeGroundingModel;
import org.mgsv.search.MediaPipeline;
import org.mgsv.search.Searcher;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by index/ground/serve: encoders, threads, shortlist. */
final class AppOptions {
    enum Encoder { builtin, onnx }

    enum Shortlist { exact, int8, hnsw }

    @Option(names = "--encoder", paramLabel = "builtin|onnx", defaultValue = "builtin",
            description = "feature encoders: builtin (weight-free descriptors, default) or onnx (CLIP/AST exported to ONNX; "
                    + "needs --clip and/or --ast). Use the same encoders for indexing and grounding.")
    Encoder encoder = Encoder.builtin;

    @Option(names = "--clip", paramLabel = "<clip.onnx>", description = "CLIP ViT-B/32 image tower (with --encoder onnx)")
    Path clip;

    @Option(names = "--ast", paramLabel = "<ast.onnx>", description = "AST audio model (with --encoder onnx)")
    Path ast;

    @Mixin ThreadsOption threads;

    /** What the ONNX encoders run in; fp32 unless a command with {@code --precision} sets it. */
    EncoderPrecision encoderPrecision = EncoderPrecision.FP32;

    int threads() {
        return threads.count();
    }

    FrameEncoder frameEncoder() {
        if (encoder == Encoder.onnx) {
            if (clip == null) {
                throw new MgsvException("--encoder onnx needs --clip <clip.onnx> to encode video frames");
            }
            requireFile(clip, "--clip");
            return new OnnxFrameEncoder(clip, null, null, 8, OrtOptions.defaults(0), encoderPrecision);
        }
        return new BuiltinFrameEncoder();
    }

    SegmentEncoder segmentEncoder() {
        if (encoder == Encoder.onnx) {
            if (ast == null) {
                throw new MgsvException("--encoder onnx needs --ast <ast.onnx> to encode music");
            }
            requireFile(ast, "--ast");
            return new OnnxSegmentEncoder(ast, null, null, 4, OrtOptions.defaults(0), encoderPrecision);
        }
        return new BuiltinSegmentEncoder();
    }

    /** A pipeline that can encode video (and music when {@code music} is true). */
    MediaPipeline pipeline(GroundingModel model, boolean video, boolean music) {
        FrameEncoder fe = video ? frameEncoder() : new BuiltinFrameEncoder();
        SegmentEncoder se = music ? segmentEncoder() : new BuiltinSegmentEncoder();
        return new DefaultMediaPipeline(fe, se, model.frameSlots(), threads());
    }

    static void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) {
            throw new MgsvException(option + " " + p + ": no such file");
        }
    }

    /** Loads a model for search: single-threaded libtorch ops, detection parallel over {@code threads} pairs. */
    static GroundingModel loadModel(Path dir, int threads) {
        if (!Files.isDirectory(dir)) {
            throw new MgsvException("--model " + dir + ": no such model directory");
        }
        MadeGroundingModel.prepareSearchProcess();
        return MadeGroundingModel.load(dir, threads);
    }

    static Searcher.Kind kind(Shortlist s) {
        return switch (s) {
            case exact -> Searcher.Kind.EXACT;
            case int8 -> Searcher.Kind.EXACT_INT8;
            case hnsw -> Searcher.Kind.HNSW;
        };
    }
}
