package org.mgsv.media.encode;

/**
 * Turns a track's AST fbank windows into per-window embeddings of {@link #dim()} (768 for the AST space the
 * MaDe model was trained on). Rows of windows with mask 0 are returned as zeros.
 */
public interface SegmentEncoder extends AutoCloseable {
    /** Embedding size (768). */
    int dim();

    /** A short stable name recorded in feature provenance. */
    String name();

    /** [96][dim] embeddings. */
    float[][] encode(FbankWindows windows);

    @Override
    default void close() {}
}
