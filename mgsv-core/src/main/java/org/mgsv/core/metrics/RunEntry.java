package org.mgsv.core.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One query of a run file: a video, its ground-truth track and moment, the ranking a system produced over
 * the candidate tracks (best first) and the moment it predicted inside the ground-truth track.
 *
 * <p>{@code ranking} may contain duplicate music ids (one entry per candidate item, as a similarity matrix
 * over a split's pairs gives them) and may be truncated; the {@link Scorer} de-duplicates it. Times are in
 * seconds.
 *
 * @param videoId       query video id
 * @param musicId       ground-truth music id
 * @param ranking       candidate music ids, best first (possibly with duplicates, possibly truncated, may be empty)
 * @param predStart     predicted moment start (may be negative or past the track: it is clamped when scored)
 * @param predEnd       predicted moment end
 * @param gtStart       ground-truth moment start
 * @param gtEnd         ground-truth moment end ({@code gtStart >= gtEnd} scores IoU 0, as in the reference)
 * @param musicDuration duration of the ground-truth track
 */
public record RunEntry(
        String videoId,
        String musicId,
        List<String> ranking,
        double predStart,
        double predEnd,
        double gtStart,
        double gtEnd,
        double musicDuration) {

    public RunEntry {
        Objects.requireNonNull(videoId, "videoId");
        Objects.requireNonNull(musicId, "musicId");
        ranking = List.copyOf(ranking);
    }
}
