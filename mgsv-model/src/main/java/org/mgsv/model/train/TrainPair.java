package org.mgsv.model.train;

/**
 * One annotated (video, music) pair: the ground-truth moment in seconds of the track, the track's and the
 * video's durations. {@code source} says where it came from (file and line) for error messages.
 */
public record TrainPair(String videoId, String musicId, double musicStart, double musicEnd, double musicDuration,
        double videoDuration, String source) {

    /** A pair from an annotation row; {@code source} names the file and row for messages. */
    public static TrainPair of(org.mgsv.core.data.Annotation a, String source) {
        return new TrainPair(a.videoId(), a.musicId(), a.musicStart(), a.musicEnd(), a.musicTotalDuration(),
                a.videoEnd() - a.videoStart(), source);
    }

    /**
     * Target (center, width) normalised by {@code maxDuration} (240 s): the end is clamped to maxDuration first,
     * as the reference's data loader does.
     */
    public float[] target(double maxDuration) {
        double st = musicStart;
        double ed = Math.min(musicEnd, maxDuration);
        return new float[] {(float) ((st + ed) / 2 / maxDuration), (float) ((ed - st) / maxDuration)};
    }
}
