package org.mgsv.search;

import java.util.List;
import org.mgsv.search.catalog.TrackRecord;

/**
 * What search needs from the MaDe network (docs/spec/MADE.md §2), in plain arrays. The real implementation
 * wraps the network of mgsv-model; {@link SyntheticGroundingModel} is a weight-free stand-in for tests and benchmarks.
 * Implementations must be safe for concurrent calls.
 */
public interface GroundingModel extends AutoCloseable {
    /** Token size d (256). */
    int dim();

    /** Frame slots F (50) and the frame feature size (512). */
    int frameSlots();

    int frameFeatureDim();

    /** Segment slots S (96) and the segment feature size (768). */
    int segmentSlots();

    int segmentFeatureDim();

    /** Moment spans are normalised by this many seconds (240). */
    default double maxMusicSeconds() {
        return 240.0;
    }

    /** Whether the retrieval score p_s includes the dual term cos(h(v), h0) (reference: dual + single). */
    default boolean usesDual() {
        return true;
    }

    /** Whether the retrieval score p_s includes the X-Pool single term. */
    default boolean usesSingle() {
        return true;
    }

    /** A short description for logs and results. */
    String name();

    /** Video tower: frame tokens [F][d] (×mask) and the clip vector h(v) (unit length). */
    EncodedVideo encodeVideo(float[][] frameFeatures, float[] mask);

    /** Music tower: segment tokens [S][d] (×mask) and h0 (unit length), what the catalog stores per track. */
    EncodedMusic encodeMusic(float[][] segmentFeatures, float[] mask);

    /** X-Pool single score cos(h(v), h1(M|v)) for each track. */
    float[] scoreSingle(float[] hv, List<TrackRecord> tracks);

    /** Moment detection (DETR head) for the video against each track: normalised (center, width) + score. */
    Span[] detectMoments(EncodedVideo video, List<TrackRecord> tracks);

    @Override
    default void close() {}

    record EncodedVideo(float[][] tokens, float[] mask, float[] hv) {}

    record EncodedMusic(float[][] tokens, float[] mask, float[] h0) {}

    /** A predicted moment in units of {@link #maxMusicSeconds()}, with its foreground probability. */
    record Span(double center, double width, double score) {}
}
