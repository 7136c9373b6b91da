package org.mgsv.search;

import org.mgsv.search.MomentSpans.TimeSpan;

/**
 * One ranked answer: the track, its MaDe retrieval score p_s = dual + single, and the moment, both as the model
 * predicted it ({@code raw}) and as a span of exactly the video's length ({@code moment}, snapped to beats when
 * asked: {@code snapped} says whether it moved).
 */
public record GroundingResult(
        int rank,
        String trackId,
        String title,
        String artist,
        String licence,
        double trackDuration,
        double score,
        double dualScore,
        double singleScore,
        double momentScore,
        TimeSpan raw,
        TimeSpan moment,
        boolean snapped) {}
