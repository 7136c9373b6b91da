package org.mgsv.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * Reference points for reports: run entries from trivial predictors, scored by the same {@link Scorer}.
 * <ul>
 *   <li>{@link #startZeroPrior}: the moment starts at 0 and lasts as long as the video segment (on the
 *       MGSV-EC test annotations this gives mIoU 0.478); its ranking is given or a seeded shuffle.</li>
 *   <li>{@link #random}: a seeded shuffle of the candidate music ids, and a moment as long as the video
 *       segment placed uniformly at random inside the ground-truth track.</li>
 * </ul>
 */
public final class Baselines {
    private Baselines() {}

    /**
     * What a baseline may know of a query: its video length, and the ground truth for the run file.
     *
     * @param videoDuration length of the video segment in seconds (the moment length to predict)
     */
    public record Query(String videoId, String musicId, double videoDuration, double gtStart, double gtEnd,
                        double musicDuration) {
        public Query {
            Objects.requireNonNull(videoId, "videoId");
            Objects.requireNonNull(musicId, "musicId");
            if (!(videoDuration >= 0) || !(musicDuration > 0)) {
                throw new IllegalArgumentException("query " + videoId + ": bad durations video=" + videoDuration
                        + " music=" + musicDuration);
            }
        }

        RunEntry entry(List<String> ranking, double predStart, double predEnd) {
            return new RunEntry(videoId, musicId, ranking, predStart, predEnd, gtStart, gtEnd, musicDuration);
        }
    }

    /** "Start 0, length = video": pred = [0, video length], with the rankings {@code rankingOf} gives. */
    public static List<RunEntry> startZeroPrior(List<Query> queries, Function<Query, List<String>> rankingOf) {
        List<RunEntry> out = new ArrayList<>(queries.size());
        for (Query q : queries) {
            out.add(q.entry(rankingOf.apply(q), 0.0, q.videoDuration()));
        }
        return out;
    }

    /**
     * "Start 0, length = video" with a seeded random ranking over {@code candidates} (defaults to the
     * distinct ground-truth music ids of the queries when null).
     */
    public static List<RunEntry> startZeroPrior(List<Query> queries, List<String> candidates, long seed) {
        List<String> cands = candidates(queries, candidates);
        Random rnd = new Random(seed);
        return startZeroPrior(queries, q -> shuffled(cands, rnd));
    }

    /**
     * Random ranking (a seeded shuffle of {@code candidates}, or of the distinct ground-truth music ids when
     * null) and a random moment: as long as the video segment (at most the track), its start uniform in
     * [0, track − length].
     */
    public static List<RunEntry> random(List<Query> queries, List<String> candidates, long seed) {
        List<String> cands = candidates(queries, candidates);
        Random rnd = new Random(seed);
        List<RunEntry> out = new ArrayList<>(queries.size());
        for (Query q : queries) {
            List<String> ranking = shuffled(cands, rnd);
            double len = Math.min(q.videoDuration(), q.musicDuration());
            double start = rnd.nextDouble() * (q.musicDuration() - len);
            out.add(q.entry(ranking, start, start + len));
        }
        return out;
    }

    private static List<String> candidates(List<Query> queries, List<String> candidates) {
        if (candidates != null) {
            return List.copyOf(new LinkedHashSet<>(candidates));
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (Query q : queries) {
            ids.add(q.musicId());
        }
        return List.copyOf(ids);
    }

    private static List<String> shuffled(List<String> cands, Random rnd) {
        List<String> l = new ArrayList<>(cands);
        Collections.shuffle(l, rnd);
        return l;
    }
}
