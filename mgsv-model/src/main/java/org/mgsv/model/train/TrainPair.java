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

    /** Every pair of a split, in file order, each naming its CSV file and row. */
    public static java.util.List<TrainPair> ofSplit(org.mgsv.core.data.DatasetLayout layout, String split) {
        java.nio.file.Path csv = layout.csv(split);
        java.util.List<org.mgsv.core.data.Annotation> rows = layout.annotations(split);
        java.util.List<TrainPair> out = new java.util.ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(of(rows.get(i), csv.getFileName() + " row " + (i + 1)));
        }
        return out;
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
