package org.mgsv.search.catalog;

import java.util.Arrays;
import java.util.Objects;
import org.mgsv.core.data.MediaFiles;

/**
 * One indexed track: metadata, the music tower's per-segment tokens and mask, the pooled embedding h0 and
 * (optionally) beat and downbeat times. Made with {@link #builder} (or {@link #of} from its {@link TrackInfo}):
 *
 * <pre>{@code
 * TrackRecord.builder(id).title(title).durationSeconds(seconds).sourcePath(path).vectors(tokens, mask, h0).build()
 * }</pre>
 *
 * @param id stable track id ({@link MediaFiles#isValidId}: letters and digits of any script, {@code . _ -})
 * @param title display title (may be empty)
 * @param artist artist (may be empty)
 * @param licence licence of the recording (may be empty)
 * @param durationSeconds decoded duration of the track
 * @param sourcePath where the audio was read from at indexing time (used to serve and render moments)
 * @param tokens segment tokens [S][d] (rows with mask 0 are zero)
 * @param mask segment mask [S] (1 = valid)
 * @param h0 pooled, L2-normalised track embedding [d]
 * @param beats beat times in seconds, ascending; empty when not computed
 * @param downbeats downbeat times in seconds, ascending; empty when not computed
 */
public record TrackRecord(
        String id,
        String title,
        String artist,
        String licence,
        double durationSeconds,
        String sourcePath,
        float[][] tokens,
        float[] mask,
        float[] h0,
        double[] beats,
        double[] downbeats) {

    public TrackRecord {
        validateId(id);
        title = title == null ? "" : title;
        artist = artist == null ? "" : artist;
        licence = licence == null ? "" : licence;
        sourcePath = sourcePath == null ? "" : sourcePath;
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(h0, "h0");
        if (tokens.length != mask.length) {
            throw new IllegalArgumentException("track " + id + ": " + tokens.length + " token rows but mask has " + mask.length);
        }
        for (float[] row : tokens) {
            if (row.length != h0.length) {
                throw new IllegalArgumentException("track " + id + ": token row of " + row.length + " but h0 has " + h0.length);
            }
        }
        beats = beats == null ? new double[0] : beats;
        downbeats = downbeats == null ? new double[0] : downbeats;
    }

    /** A record of track {@code id}; title, artist, licence and source path default to empty, beats to none. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** The record of a track's metadata and its vectors. */
    public static TrackRecord of(TrackInfo info, float[][] tokens, float[] mask, float[] h0) {
        return new TrackRecord(info.id(), info.title(), info.artist(), info.licence(), info.durationSeconds(),
                info.sourcePath(), tokens, mask, h0, info.beats(), info.downbeats());
    }

    /** This record with another {@code sourcePath}. */
    public TrackRecord withSourcePath(String path) {
        return new TrackRecord(id, title, artist, licence, durationSeconds, path, tokens, mask, h0, beats, downbeats);
    }

    /** Builds a {@link TrackRecord}; {@link #build} checks it as the record does. */
    public static final class Builder {
        private final String id;
        private String title = "";
        private String artist = "";
        private String licence = "";
        private double durationSeconds;
        private String sourcePath = "";
        private float[][] tokens;
        private float[] mask;
        private float[] h0;
        private double[] beats;
        private double[] downbeats;

        private Builder(String id) {
            this.id = id;
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        public Builder artist(String artist) {
            this.artist = artist;
            return this;
        }

        public Builder licence(String licence) {
            this.licence = licence;
            return this;
        }

        public Builder durationSeconds(double seconds) {
            this.durationSeconds = seconds;
            return this;
        }

        public Builder sourcePath(String path) {
            this.sourcePath = path;
            return this;
        }

        /** The music tower's output: tokens [S][d], mask [S] and h0 [d]. */
        public Builder vectors(float[][] tokens, float[] mask, float[] h0) {
            this.tokens = tokens;
            this.mask = mask;
            this.h0 = h0;
            return this;
        }

        /** Beat and downbeat times in seconds (either may be null: none). */
        public Builder beats(double[] beats, double[] downbeats) {
            this.beats = beats;
            this.downbeats = downbeats;
            return this;
        }

        public TrackRecord build() {
            return new TrackRecord(id, title, artist, licence, durationSeconds, sourcePath, tokens, mask, h0, beats,
                    downbeats);
        }
    }

    /** Checks a track id: {@link MediaFiles#isValidId} ({@value MediaFiles#MAX_ID_CHARS} characters at most). */
    public static void validateId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid track id '" + id + "' (" + MediaFiles.ID_RULE + ")");
        }
    }

    /** {@link MediaFiles#isValidId}: what a file name or a {@code --meta} id may give. */
    public static boolean isValidId(String id) {
        return MediaFiles.isValidId(id);
    }

    public int segments() {
        return mask.length;
    }

    public int dim() {
        return h0.length;
    }

    /** Metadata without the vectors. */
    public TrackInfo info() {
        return new TrackInfo(id, title, artist, licence, durationSeconds, sourcePath, beats, downbeats);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrackRecord r)) {
            return false;
        }
        return id.equals(r.id) && title.equals(r.title) && artist.equals(r.artist) && licence.equals(r.licence)
                && Double.compare(durationSeconds, r.durationSeconds) == 0 && sourcePath.equals(r.sourcePath)
                && Arrays.deepEquals(tokens, r.tokens) && Arrays.equals(mask, r.mask) && Arrays.equals(h0, r.h0)
                && Arrays.equals(beats, r.beats) && Arrays.equals(downbeats, r.downbeats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(h0));
    }

    @Override
    public String toString() {
        return "TrackRecord[" + id + ", " + durationSeconds + " s, " + mask.length + "x" + h0.length + "]";
    }
}
