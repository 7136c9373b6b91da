package org.mgsv.core.data;

import java.util.ArrayList;
import java.util.List;

/** One line of a small comma-separated index file (the feature and catalog indexes), split into its fields. */
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
}
