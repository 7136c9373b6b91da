package org.mgsv.annotate;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time of each stage of one video's annotation ({@link Annotator#annotate(java.nio.file.Path, Stages)}),
 * for the benchmark's breakdown of where a query's latency goes. Stages that ran on helper threads at the same time
 * as the caller count once, as the caller waited for them.
 */
public final class Stages {
    /** The stages in the order a video goes through them. */
    public enum Stage {
        /** Opening the container for the picture's facts. */
        PROBE,
        /** Decoding the soundtrack, down-mixing and resampling it to the fingerprint rate. */
        DECODE,
        /** The query's landmarks on every frame grid. */
        FINGERPRINT,
        /** Gathering and counting the index entries the landmarks meet. */
        VOTE,
        /** Reading each candidate's excerpt, refining its offset and measuring its contrast. */
        VERIFY,
        /** Fitting the winner's heard span on the waveforms. */
        EDGES
    }

    private final EnumMap<Stage, Long> nanos = new EnumMap<>(Stage.class);

    /** Adds {@code ns} nanoseconds to {@code stage}. */
    public synchronized void add(Stage stage, long ns) {
        nanos.merge(stage, ns, Long::sum);
    }

    /** Milliseconds spent in {@code stage}; 0 when it did not run. */
    public synchronized double ms(Stage stage) {
        return nanos.getOrDefault(stage, 0L) / 1e6;
    }

    /** Every stage that ran, in order, in milliseconds (JSON keys in lower case). */
    public synchronized Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<Stage, Long> e : nanos.entrySet()) {
            m.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue() / 1e6);
        }
        return m;
    }

    /** {@code stages.add(stage, now - since)} when {@code stages} is not null; returns now. */
    static long lap(Stages stages, Stage stage, long since) {
        long now = System.nanoTime();
        if (stages != null) {
            stages.add(stage, now - since);
        }
        return now;
    }
}
