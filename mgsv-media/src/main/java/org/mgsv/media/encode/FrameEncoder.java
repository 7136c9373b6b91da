package org.mgsv.media.encode;

import java.util.List;

/**
 * Turns the frames of a video (1 per second) into per-frame embeddings of {@link #dim()} (512 for the
 * CLIP ViT-B/32 space the MaDe model was trained on). Implementations: ONNX CLIP image tower, built-in
 * weight-free descriptors.
 */
public interface FrameEncoder extends AutoCloseable {
    /** Embedding size (512). */
    int dim();

    /** A short stable name recorded in feature provenance, e.g. {@code builtin-v1} or {@code onnx:clip.onnx}. */
    String name();

    /** One row of {@link #dim()} floats per frame, in frame order. */
    float[][] encode(List<RgbFrame> frames);

    @Override
    default void close() {}
}
