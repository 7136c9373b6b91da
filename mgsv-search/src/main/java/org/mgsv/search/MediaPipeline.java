package org.mgsv.search;

import java.nio.file.Path;

/**
 * The media side of grounding: files → model input features, track audio for previews, beats. The default
 * ({@link DefaultMediaPipeline}) decodes in-process with mgsv-media and encodes with a
 * {@link org.mgsv.media.encode.FrameEncoder} / {@link org.mgsv.media.encode.SegmentEncoder}.
 * Implementations must be safe for concurrent calls.
 */
public interface MediaPipeline {
    /** Per-second frame features [F][512], mask [F] and the video's duration in seconds. */
    record ExtractedVideo(float[][] frameFeatures, float[] mask, double durationSeconds) {}

    /** Per-window segment features [S][768], mask [S] and the track's duration in seconds. */
    record ExtractedMusic(float[][] segmentFeatures, float[] mask, double durationSeconds) {}

    ExtractedVideo video(Path file);

    ExtractedMusic music(Path file);

    /** Mono PCM (down-mixed) of [start, end) seconds of an audio file at {@code sampleRate} Hz. */
    float[] audio(Path file, int sampleRate, double start, double end);

    /** {beats, downbeats} in seconds, or null when no beat tracker is available. */
    default double[][] beats(Path file) {
        return null;
    }

    /** Names of the encoders, recorded in catalog provenance, e.g. {@code builtin-v1/builtin-v1}. */
    String name();
}
