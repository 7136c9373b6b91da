package org.mgsv.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
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
 * Reads and writes MGSV-EC annotation CSVs (RFC 4180: comma separated, fields with commas or quotes are
 * double-quoted, UTF-8, optional BOM, LF or CRLF). Columns are found by header name, so their order does not
 * matter and extra columns (e.g. a pandas index) are ignored. Every row is validated; the first problem is
 * reported as {@code file:line: column 'name': ...}.
 */
public final class AnnotationCsv {
    private AnnotationCsv() {}

    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final int[] DURATION_COLUMNS = {6, 7, 8, 10};

    public static List<Annotation> read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        } catch (NoSuchFileException e) {
            throw new MgsvException("annotation file not found: " + file);
        } catch (CharacterCodingException e) {
            throw new MgsvException("annotation file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads CSV text; {@code name} is the file name used in error messages. Warnings go to standard error. */
    public static List<Annotation> read(Reader reader, String name) throws IOException {
        return read(reader, name, w -> System.err.println("warning: " + w));
    }

    /**
     * Reads CSV text; {@code name} is the file name used in messages, {@code warn} receives warnings about rows
     * that are accepted but suspicious (a moment ending past its track).
     */
    public static List<Annotation> read(Reader reader, String name, java.util.function.Consumer<String> warn)
            throws IOException {
        int pastEnd = 0;
        String firstPastEnd = null;
        RecordReader rr = new RecordReader(reader, name);
        List<String> header = rr.next();
        if (header == null) {
            throw new MgsvException(name + ": empty file, expected a header line with the columns "
                    + String.join(",", Annotation.COLUMNS));
        }
        if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
            header.set(0, header.get(0).substring(1));
        }
        int[] index = new int[Annotation.COLUMNS.size()];
        Map<String, Integer> pos = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            pos.putIfAbsent(header.get(i).trim(), i);
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < index.length; c++) {
            Integer p = pos.get(Annotation.COLUMNS.get(c));
            if (p == null) {
                missing.add(Annotation.COLUMNS.get(c));
            } else {
                index[c] = p;
            }
        }
        if (!missing.isEmpty()) {
            throw new MgsvException(name + ":1: header lacks column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (header: " + String.join(",", header) + ")");
        }
        List<Annotation> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> f;
        while ((f = rr.next()) != null) {
            int line = rr.recordLine();
            if (f.size() == 1 && f.get(0).isEmpty()) {
                continue; // blank line
            }
            if (f.size() != header.size()) {
                throw new MgsvException(name + ":" + line + ": " + f.size() + " columns, the header has "
                        + header.size());
            }
            Row row = new Row(name, line, f, index);
            Annotation a = new Annotation(
                    row.id(0), row.id(1),
                    row.num(2), row.num(3), row.num(4), row.num(5), row.num(6), row.num(7), row.num(8),
                    row.str(9), row.num(10), row.integer(11), row.integer(12), row.integer(13), row.num(14),
                    row.str(15));
            for (int c : DURATION_COLUMNS) {
                if (row.num(c) < 0) {
                    throw row.error(c, "negative duration " + row.raw(c));
                }
            }
            for (int c : new int[] {2, 4}) {
                if (row.num(c) < 0) {
                    throw row.error(c, "negative time " + row.raw(c));
                }
            }
            if (a.musicStart() >= a.musicEnd()) {
                throw row.error(4, "music_start " + row.raw(4) + " is not before music_end " + row.raw(5));
            }
            if (a.videoStart() > a.videoEnd()) {
                throw row.error(2, "video_start " + row.raw(2) + " is after video_end " + row.raw(3));
            }
            Integer prev = seen.putIfAbsent(a.videoId(), line);
            if (prev != null) {
                throw row.error(0, "duplicate video id " + a.videoId() + " (first on line " + prev + ")");
            }
            if (a.musicEnd() > a.musicTotalDuration()) {
                if (pastEnd++ == 0) {
                    firstPastEnd = name + ":" + line + ": music_end " + row.raw(5) + " > music_total_duration "
                            + row.raw(6);
                }
            }
            out.add(a);
        }
        if (pastEnd > 0) {
            warn.accept(name + ": " + pastEnd + " row(s) with a moment ending past the track (scored as if the track "
                    + "were longer), the first " + firstPastEnd);
        }
        return out;
    }

    /** The fields of one row, addressed by canonical column number (0..15). */
    private static final class Row {
        final String file;
        final int line;
        final List<String> fields;
        final int[] index;

        Row(String file, int line, List<String> fields, int[] index) {
            this.file = file;
            this.line = line;
            this.fields = fields;
            this.index = index;
        }

        String raw(int c) {
            return fields.get(index[c]).trim();
        }

        MgsvException error(int c, String what) {
            return new MgsvException(file + ":" + line + ": column '" + Annotation.COLUMNS.get(c) + "' ("
                    + (index[c] + 1) + "): " + what);
        }

        String id(int c) {
            String s = raw(c);
            if (s.isEmpty()) {
                throw error(c, "empty id");
            }
            return s;
        }

        String str(int c) {
            return fields.get(index[c]);
        }

        double num(int c) {
            String s = raw(c);
            if (!DECIMAL.matcher(s).matches()) {
                String l = s.toLowerCase(java.util.Locale.ROOT);
                throw error(c, "'" + s + "' is not " + (l.contains("nan") || l.contains("inf")
                        ? "a finite number" : "a number"));
            }
            double d = Double.parseDouble(s);
            if (!Double.isFinite(d)) {
                throw error(c, "'" + s + "' is not a finite number (it overflows a double)");
            }
            return d;
        }

        int integer(int c) {
            String s = raw(c);
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                // tolerate "1080.0" as written by some tools
                try {
                    double d = Double.parseDouble(s);
                    if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                        return (int) d;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through
                }
                throw error(c, "'" + s + "' is not an integer");
            }
        }
    }

    /** Splits RFC 4180 text into records, tracking the line each record starts on. */
    private static final class RecordReader {
        private final Reader in;
        private final String name;
        private int line = 1;
        private int recordLine;
        private int peeked = -2;

        RecordReader(Reader in, String name) {
            this.in = in;
            this.name = name;
        }

        int recordLine() {
            return recordLine;
        }

        private int read() throws IOException {
            if (peeked != -2) {
                int c = peeked;
                peeked = -2;
                return c;
            }
            return in.read();
        }

        private int peek() throws IOException {
            if (peeked == -2) {
                peeked = in.read();
            }
            return peeked;
        }

        /** The next record's fields, or null at end of input. */
        List<String> next() throws IOException {
            int c = read();
            if (c == -1) {
                return null;
            }
            recordLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            while (true) {
                if (quoted) {
                    if (c == -1) {
                        throw new MgsvException(name + ":" + recordLine + ": unterminated quoted field");
                    }
                    if (c == '"') {
                        if (peek() == '"') {
                            read();
                            sb.append('"');
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        sb.append((char) c);
                    }
                } else if (c == ',') {
                    fields.add(sb.toString());
                    sb.setLength(0);
                    wasQuoted = false;
                } else if (c == '\n' || c == -1) {
                    if (c == '\n') {
                        line++;
                    }
                    if (!wasQuoted && sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r') {
                        sb.setLength(sb.length() - 1);
                    }
                    fields.add(sb.toString());
                    return fields;
                } else if (c == '\r' && wasQuoted) {
                    // CR after a closing quote: part of CRLF
                } else if (c == '"' && sb.length() == 0 && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                } else if (c == '"') {
                    throw new MgsvException(name + ":" + line + ": stray quote in field " + (fields.size() + 1));
                } else {
                    if (wasQuoted) {
                        throw new MgsvException(name + ":" + line + ": text after closing quote in field "
                                + (fields.size() + 1));
                    }
                    sb.append((char) c);
                }
                c = read();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    /** Writes {@code rows} with the published header and column order, atomically. */
    public static void write(Path file, List<Annotation> rows) {
        write(file, rows, null, null);
    }

    /**
     * As {@link #write(Path, List)} with one extra numeric column after the published ones ({@code extra[i]}
     * belongs to row i), e.g. a confidence; readers ignore it. {@code extraColumn} null: none.
     */
    public static void write(Path file, List<Annotation> rows, String extraColumn, double[] extra) {
        if (extraColumn != null && (extra == null || extra.length != rows.size())) {
            throw new IllegalArgumentException("extra column " + extraColumn + " needs one value per row");
        }
        StringBuilder sb = new StringBuilder(String.join(",", Annotation.COLUMNS));
        if (extraColumn != null) {
            sb.append(',').append(CsvLine.quote(extraColumn));
        }
        sb.append('\n');
        for (int r = 0; r < rows.size(); r++) {
            Annotation a = rows.get(r);
            Object[] v = {a.videoId(), a.musicId(), a.videoStart(), a.videoEnd(), a.musicStart(), a.musicEnd(),
                a.musicTotalDuration(), a.videoSegmentDuration(), a.musicSegmentDuration(), a.musicPath(),
                a.videoTotalDuration(), a.videoWidth(), a.videoHeight(), a.videoTotalFrames(), a.videoFrameRate(),
                a.videoCategory()};
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Object o = v[i];
                if (o instanceof Double) {
                    double d = (Double) o;
                    sb.append(i == 14 && d == Math.rint(d) ? String.valueOf((long) d)
                            : BigDecimal.valueOf(d).toPlainString());
                } else {
                    sb.append(CsvLine.quote(String.valueOf(o)));
                }
            }
            if (extraColumn != null) {
                sb.append(',').append(BigDecimal.valueOf(extra[r]).toPlainString());
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
