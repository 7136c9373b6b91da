package org.mgsv.search;

/**
 * Turns the model's raw moment into what a video editor needs: a span of exactly the video's length (centred on
 * the raw span, clamped into the track) and, optionally, snapped to the nearest downbeat (or beat when no
 * downbeats are known) so the music enters on the beat.
 */
public final class MomentSpans {
    private MomentSpans() {}

    /** A time span in seconds. */
    public record TimeSpan(double start, double end) {
        public double length() {
            return end - start;
        }
    }

    /** Raw span in seconds from a normalised (center, width): ((c − w/2)·max, (c + w/2)·max), not clamped. */
    public static TimeSpan raw(GroundingModel.Span s, double maxSeconds) {
        return new TimeSpan((s.center() - s.width() / 2) * maxSeconds, (s.center() + s.width() / 2) * maxSeconds);
    }

    /**
     * A span of length min(videoSeconds, trackSeconds) centred on the raw span's centre, shifted to lie within
     * [0, trackSeconds].
     */
    public static TimeSpan fitToVideo(TimeSpan raw, double videoSeconds, double trackSeconds) {
        double len = Math.min(videoSeconds, trackSeconds);
        double center = (raw.start() + raw.end()) / 2;
        double start = center - len / 2;
        start = Math.max(0, Math.min(start, trackSeconds - len));
        return new TimeSpan(start, start + len);
    }

    /**
     * Moves the span's start to the nearest downbeat (beats when {@code downbeats} is empty) such that the span
     * stays within the track; returns {@code span} itself when there is no usable beat.
     */
    public static TimeSpan snap(TimeSpan span, double trackSeconds, double[] beats, double[] downbeats) {
        double[] grid = downbeats != null && downbeats.length > 0 ? downbeats : beats;
        if (grid == null || grid.length == 0) {
            return span;
        }
        double len = span.length();
        double best = Double.NaN;
        for (double b : grid) {
            if (b < 0 || b + len > trackSeconds + 1e-6) {
                continue;
            }
            if (Double.isNaN(best) || Math.abs(b - span.start()) < Math.abs(best - span.start())) {
                best = b;
            }
        }
        return Double.isNaN(best) ? span : new TimeSpan(best, best + len);
    }
}
