package org.mgsv.search.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A track's metadata without its vectors (what listings and search results carry). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackInfo(
        String id,
        String title,
        String artist,
        String licence,
        double durationSeconds,
        String sourcePath,
        double[] beats,
        double[] downbeats) {

    public TrackInfo {
        beats = beats == null ? new double[0] : beats;
        downbeats = downbeats == null ? new double[0] : downbeats;
    }
}
