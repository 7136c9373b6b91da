package org.mgsv.search.catalog;

import java.util.Arrays;
import java.util.Objects;

/**
 * One indexed track: metadata, the music tower's per-segment tokens and mask, the pooled embedding h0 and
 * (optionally) beat and downbeat times.
 *
 * @param id stable track id (letters, digits, {@code . _ -}; at most 128 characters)
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

    /** Checks a track id: non-empty, at most 128 characters of {@code [A-Za-z0-9._-]}, not starting with a dot. */
    public static void validateId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid track id '" + id
                    + "' (use 1-128 characters of letters, digits, '.', '_', '-', not starting with '.')");
        }
    }

    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128 || id.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!isIdChar(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
    }

    /** Turns a file name into a valid id (unsupported characters become '_'). */
    public static String idFromName(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 128; i++) {
            char c = name.charAt(i);
            sb.append(isIdChar(c) ? c : '_');
        }
        while (sb.length() > 0 && sb.charAt(0) == '.') {
            sb.setCharAt(0, '_');
        }
        return sb.length() == 0 ? "track" : sb.toString();
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
