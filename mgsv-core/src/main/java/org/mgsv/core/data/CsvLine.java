package org.mgsv.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The project's one CSV codec for its small comma-separated files (feature and catalog indexes, annotation and
 * rejects tables): {@link #quote}/{@link #join} write a record, {@link #records} cuts a file's text into records
 * and {@link #split} a record into its fields.
 */
public final class CsvLine {
    private CsvLine() {}

    /**
     * The fields of {@code line}: commas separate fields, a double-quoted field may hold commas, and {@code ""}
     * inside quotes is one quote. Lenient (a stray quote toggles quoting); records spanning lines are not
     * supported — {@link AnnotationCsv} reads the annotation CSVs, with errors per line and field.
     */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    q = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                q = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * One field as written: quoted (inner quotes doubled) when it holds a comma, a quote, a line feed or a
     * carriage return, else as is.
     */
    public static String quote(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** One record: the fields, each {@link #quote quoted} as needed, separated by commas (no line end). */
    public static String join(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(fields.get(i)));
        }
        return sb.toString();
    }

    /** {@link #join(List)} of an array. */
    public static String join(String... fields) {
        return join(List.of(fields));
    }

    /**
     * The records of a file's text: a line feed, a carriage return or both end a record, except inside a quoted
     * field (so a field written by {@link #quote} with a line break in it reads back whole). A final line end
     * adds no empty record.
     */
    public static List<String> records(String text) {
        List<String> out = new ArrayList<>();
        boolean q = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                q = !q;
            } else if (!q && (c == '\n' || c == '\r')) {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }
}
