package org.mgsv.media.encode;

import java.util.List;

/**
 * Turns the frames of a video (1 per second) into per-frame embeddings of {@link #dim()} (512 for the
 * CLIP ViT-B/32 space the MaDe model was trained on). Implementations: ONNX CLIP image tower, built-in
 * weight-free descriptors.
 *
 * <p>Contract (checked for every implementation by {@code FrameEncoderTestCase}): {@code encode} returns one
 * finite row per frame in order; the same frames always give the same rows; a {@code null} frame is rejected
 * with an {@link IllegalArgumentException} naming its index; {@code encode(frames.map(prepare))} gives the same
 * rows as {@code encode(frames)}.
 */
public interface FrameEncoder extends AutoCloseable {
    /** Embedding size (512). */
    int dim();

    /** A short stable name recorded in feature provenance, e.g. {@code builtin-v1} or {@code onnx:clip.onnx}. */
    String name();

    /** One row of {@link #dim()} floats per frame, in frame order. */
    float[][] encode(List<RgbFrame> frames);

    /**
     * Reduces one decoded frame to what this encoder reads (e.g. the 224×224 CLIP crop), so a caller can drop
     * full-resolution frames as soon as they are decoded: 50 frames of 4K video are 1.2 GB, their CLIP crops
     * 7.5 MB. Encoding prepared frames gives the same rows as encoding the originals. Default: the frame as is.
     */
    default RgbFrame prepare(RgbFrame frame) {
        return frame;
    }

    @Override
    default void close() {}
}
