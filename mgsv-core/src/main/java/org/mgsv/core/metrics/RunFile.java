package org.mgsv.core.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/**
 * A run file: JSON Lines, one object per query (blank lines are skipped, unknown fields ignored):
 *
 * <pre>{@code
 * {"video_id": "v1", "music_id": "m7", "ranking": ["m7", "m2", "m7", ...], "pred_start": 12.5,
 *  "pred_end": 40.0, "gt_start": 10.0, "gt_end": 38.2, "music_duration": 180.3}
 * }</pre>
 *
 * {@code music_id} is the ground-truth track, {@code ranking} the candidate music ids best first (duplicates
 * allowed, may be truncated or empty), the prediction is the moment predicted inside the ground-truth track.
 * Times in seconds. Reading validates every field and fails with a message naming file, line and field.
 */
public final class RunFile {
    /** Field names, in the order they are written. */
    public static final String VIDEO_ID = "video_id";
    public static final String MUSIC_ID = "music_id";
    public static final String RANKING = "ranking";
    public static final String PRED_START = "pred_start";
    public static final String PRED_END = "pred_end";
    public static final String GT_START = "gt_start";
    public static final String GT_END = "gt_end";
    public static final String MUSIC_DURATION = "music_duration";

    /** Strict: a line with a second object after the first is an error, not a silently dropped query. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RunFile() {}

    /** Reads and validates a run file. */
    public static List<RunEntry> read(Path file) {
        List<RunEntry> out = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        Map<String, String> interned = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                RunEntry e = parse(file, lineNo, line, interned);
                Integer prev = firstLine.putIfAbsent(e.videoId(), lineNo);
                if (prev != null) {
                    throw new MgsvException(where(file, lineNo, VIDEO_ID)
                            + "duplicate video id '" + e.videoId() + "' (first on line " + prev + ")");
                }
                out.add(e);
            }
        } catch (NoSuchFileException e) {
            throw new MgsvException("run file not found: " + file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new MgsvException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new MgsvException("cannot read run file " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new MgsvException(file + ": no queries (expected one JSON object per line)");
        }
        return out;
    }

    private static RunEntry parse(Path file, int lineNo, String line, Map<String, String> interned) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MgsvException(file + " line " + lineNo + ": not valid JSON (one object per line): "
                    + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new MgsvException(file + " line " + lineNo + ": expected a JSON object, got "
                    + (n == null ? "nothing" : n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        String videoId = text(file, lineNo, n, VIDEO_ID);
        String musicId = intern(interned, text(file, lineNo, n, MUSIC_ID));
        JsonNode rk = n.get(RANKING);
        if (rk == null) {
            throw new MgsvException(where(file, lineNo, RANKING) + "missing (use [] when there is no ranking)");
        }
        if (!rk.isArray()) {
            throw new MgsvException(where(file, lineNo, RANKING) + "expected an array of music ids, got " + brief(rk));
        }
        List<String> ranking = new ArrayList<>(rk.size());
        for (int i = 0; i < rk.size(); i++) {
            JsonNode id = rk.get(i);
            if (!id.isTextual()) {
                throw new MgsvException(where(file, lineNo, RANKING + "[" + i + "]") + "expected a music id string, got "
                        + brief(id));
            }
            ranking.add(intern(interned, id.asText()));
        }
        double ps = number(file, lineNo, n, PRED_START);
        double pe = number(file, lineNo, n, PRED_END);
        double gs = number(file, lineNo, n, GT_START);
        double ge = number(file, lineNo, n, GT_END);
        double md = number(file, lineNo, n, MUSIC_DURATION);
        if (md <= 0) {
            throw new MgsvException(where(file, lineNo, MUSIC_DURATION) + "must be > 0, got " + md);
        }
        if (gs < 0) {
            throw new MgsvException(where(file, lineNo, GT_START) + "must be >= 0, got " + gs);
        }
        return new RunEntry(videoId, musicId, ranking, ps, pe, gs, ge, md);
    }

    private static String intern(Map<String, String> interned, String s) {
        String prev = interned.putIfAbsent(s, s);
        return prev == null ? s : prev;
    }

    private static String where(Path file, int lineNo, String field) {
        return file + " line " + lineNo + ", field '" + field + "': ";
    }

    private static String brief(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String text(Path file, int lineNo, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new MgsvException(where(file, lineNo, field) + "missing");
        }
        if (!v.isTextual()) {
            throw new MgsvException(where(file, lineNo, field) + "expected a string, got " + brief(v));
        }
        if (v.asText().isEmpty()) {
            throw new MgsvException(where(file, lineNo, field) + "empty");
        }
        return v.asText();
    }

    private static double number(Path file, int lineNo, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new MgsvException(where(file, lineNo, field) + "missing");
        }
        if (!v.isNumber()) {
            throw new MgsvException(where(file, lineNo, field) + "expected a number (seconds), got " + brief(v));
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw new MgsvException(where(file, lineNo, field) + "not a finite number: " + v);
        }
        return d;
    }

    /** Writes a run file atomically (a temporary sibling renamed into place). */
    public static void write(Path file, List<RunEntry> entries) {
        AtomicFiles.write(file, out -> writeTo(out, entries));
    }

    private static void writeTo(OutputStream out, List<RunEntry> entries) throws IOException {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            for (RunEntry e : entries) {
                for (double d : new double[] {e.predStart(), e.predEnd(), e.gtStart(), e.gtEnd(), e.musicDuration()}) {
                    if (!Double.isFinite(d)) {
                        // read() refuses such a file: never write one
                        throw new MgsvException("run file entry of video " + e.videoId() + ": non-finite time " + d);
                    }
                }
                g.writeStartObject();
                g.writeStringField(VIDEO_ID, e.videoId());
                g.writeStringField(MUSIC_ID, e.musicId());
                g.writeArrayFieldStart(RANKING);
                for (String id : e.ranking()) {
                    g.writeString(id);
                }
                g.writeEndArray();
                g.writeNumberField(PRED_START, e.predStart());
                g.writeNumberField(PRED_END, e.predEnd());
                g.writeNumberField(GT_START, e.gtStart());
                g.writeNumberField(GT_END, e.gtEnd());
                g.writeNumberField(MUSIC_DURATION, e.musicDuration());
                g.writeEndObject();
                g.writeRaw('\n');
            }
        }
    }
}
