package org.mgsv.core.data;

/**
 * One row of an MGSV-EC annotation CSV: a short video, its ground-truth music track and the moment
 * ({@code musicStart}, {@code musicEnd}) in seconds inside the track. Field order = the CSV's 16 columns.
 */
public record Annotation(
        String videoId,
        String musicId,
        double videoStart,
        double videoEnd,
        double musicStart,
        double musicEnd,
        double musicTotalDuration,
        double videoSegmentDuration,
        double musicSegmentDuration,
        String musicPath,
        double videoTotalDuration,
        int videoWidth,
        int videoHeight,
        int videoTotalFrames,
        double videoFrameRate,
        String videoCategory) {

    /** The CSV header names, in the published order. */
    public static final java.util.List<String> COLUMNS = java.util.List.of(
            "video_id", "music_id", "video_start", "video_end", "music_start", "music_end",
            "music_total_duration", "video_segment_duration", "music_segment_duration", "music_path",
            "video_total_duration", "video_width", "video_height", "video_total_frames", "video_frame_rate",
            "video_category");

    /** Length of the ground-truth moment in seconds. */
    public double momentDuration() {
        return musicEnd - musicStart;
    }
}
