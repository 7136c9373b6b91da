package org.mgsv.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class AnnotationCsvTest {
    @TempDir Path tmp;

    static final String HEADER = String.join(",", Annotation.COLUMNS);
    static final String ROW1 = "113722188340,7+5x4mjjeiubm49fg,0.0,33.873,85.802,119.674,224.633,33.873,33.872,"
            + "/m/0/a.mp3,33.9,982,1746,1017,30,Beauty";
    static final String ROW2 = "110972017257,4+5xhyf9zjhze3tum,0.0,18.632,95.198,113.829,185.76,18.632,18.631,"
            + "\"/m/0/b,\"\"x\"\"（DJ版）.mp3\",18.633,1080,1920,559,29.97,";

    private static List<Annotation> parse(String text) throws IOException {
        return AnnotationCsv.read(new StringReader(text), "t.csv");
    }

    private static String error(String text) {
        return assertThrows(MgsvException.class, () -> parse(text)).getMessage();
    }

    @Test
    void parsesQuotedFieldsAndEmptyCategory() throws IOException {
        List<Annotation> rows = parse(HEADER + "\n" + ROW1 + "\r\n" + ROW2 + "\n");
        assertEquals(2, rows.size());
        Annotation a = rows.get(0);
        assertEquals("113722188340", a.videoId());
        assertEquals("7+5x4mjjeiubm49fg", a.musicId());
        assertEquals(85.802, a.musicStart());
        assertEquals(119.674, a.musicEnd());
        assertEquals(224.633, a.musicTotalDuration());
        assertEquals(1017, a.videoTotalFrames());
        assertEquals("Beauty", a.videoCategory());
        Annotation b = rows.get(1);
        assertEquals("/m/0/b,\"x\"（DJ版）.mp3", b.musicPath());
        assertEquals(29.97, b.videoFrameRate());
        assertEquals("", b.videoCategory());
    }

    @Test
    void columnsAreFoundByName() throws IOException {
        // reversed column order plus an extra leading index column
        List<String> cols = new java.util.ArrayList<>(Annotation.COLUMNS);
        java.util.Collections.reverse(cols);
        String[] f = ROW1.split(",");
        StringBuilder row = new StringBuilder("0");
        for (int i = f.length - 1; i >= 0; i--) {
            row.append(',').append(f[i]);
        }
        List<Annotation> rows = parse("\uFEFF," + String.join(",", cols) + "\n" + row + "\n");
        assertEquals(parse(HEADER + "\n" + ROW1).get(0), rows.get(0));
    }

    @Test
    void errorsNameFileLineAndColumn() {
        String missing = error(HEADER.replace(",music_end", "") + "\n");
        assertTrue(missing.startsWith("t.csv:1:") && missing.contains("music_end"), missing);
        String count = error(HEADER + "\n" + ROW1 + "\n" + ROW1.substring(0, ROW1.lastIndexOf(',')) + "\n");
        assertTrue(count.startsWith("t.csv:3:") && count.contains("15 columns"), count);
        String nonNumeric = error(HEADER + "\n" + ROW1.replace(",85.802,", ",8x,"));
        assertTrue(nonNumeric.startsWith("t.csv:2: column 'music_start' (5)") && nonNumeric.contains("'8x'"),
                nonNumeric);
        String nan = error(HEADER + "\n" + ROW1.replace(",224.633,", ",NaN,"));
        assertTrue(nan.contains("music_total_duration") && nan.contains("finite"), nan);
        String order = error(HEADER + "\n" + ROW1.replace(",85.802,119.674,", ",119.674,119.674,"));
        assertTrue(order.startsWith("t.csv:2: column 'music_start'") && order.contains("not before"), order);
        String negative = error(HEADER + "\n" + ROW1.replace(",33.873,33.872,", ",-33.873,33.872,"));
        assertTrue(negative.contains("'video_segment_duration'") && negative.contains("negative"), negative);
        String dup = error(HEADER + "\n" + ROW1 + "\n" + ROW2 + "\n" + ROW1.replace("7+5x4", "9+5x4") + "\n");
        assertTrue(dup.startsWith("t.csv:4: column 'video_id'") && dup.contains("first on line 2"), dup);
        String width = error(HEADER + "\n" + ROW1.replace(",982,", ",9.5,"));
        assertTrue(width.contains("'video_width'") && width.contains("integer"), width);
        String quote = error(HEADER + "\n" + ROW1.replace("/m/0/a.mp3", "\"/m/0/a.mp3"));
        assertTrue(quote.contains("unterminated"), quote);
        String empty = error("");
        assertTrue(empty.contains("empty"), empty);
    }

    @Test
    void overflowingNumbersAreRejectedAndMomentsPastTheTrackWarned() throws IOException {
        String inf = error(HEADER + "\n" + ROW1.replace(",119.674,", ",1e400,"));
        assertTrue(inf.startsWith("t.csv:2: column 'music_end' (6)") && inf.contains("'1e400'")
                && inf.contains("finite"), inf);
        List<String> warnings = new java.util.ArrayList<>();
        List<Annotation> rows = AnnotationCsv.read(new StringReader(HEADER + "\n" + ROW1.replace(",119.674,224.633,",
                ",119.674,100.5,") + "\n" + ROW2 + "\n"), "t.csv", warnings::add);
        assertEquals(2, rows.size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("1 row(s)") && warnings.get(0).contains("t.csv:2")
                && warnings.get(0).contains("music_end 119.674 > music_total_duration 100.5"), warnings.get(0));
        AnnotationCsv.read(new StringReader(HEADER + "\n" + ROW1 + "\n"), "t.csv", warnings::add);
        assertEquals(1, warnings.size(), "no warning for a valid file");
    }

    @Test
    void writeThenReadRoundTrips() throws IOException {
        List<Annotation> rows = parse(HEADER + "\n" + ROW1 + "\n" + ROW2 + "\n");
        Path p = tmp.resolve("out.csv");
        AnnotationCsv.write(p, rows);
        assertEquals(rows, AnnotationCsv.read(p));
        assertTrue(Files.readString(p).startsWith(HEADER + "\n"));
    }

    @Test
    void missingFileIsNamed() {
        MgsvException e = assertThrows(MgsvException.class, () -> AnnotationCsv.read(tmp.resolve("no.csv")));
        assertTrue(e.getMessage().contains("no.csv"));
    }

    /** The published val/test CSVs read without error, with the documented row counts. */
    @Test
    void readsPublishedSplits() {
        Path dir = Path.of(System.getProperty("mgsv.shared", "../shared"), "data", "mgsv-ec");
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared data not present");
        for (String split : new String[] {"val", "test"}) {
            Path file = dir.resolve(split + "_data.csv");
            List<Annotation> rows = AnnotationCsv.read(file);
            assertEquals(2000, rows.size(), split);
            Set<String> music = new HashSet<>();
            for (Annotation a : rows) {
                music.add(a.musicId());
                assertTrue(a.momentDuration() >= 5 && a.momentDuration() <= 50.1, a.toString());
                assertTrue(a.musicTotalDuration() <= 240, a.toString());
            }
            assertEquals(2000, music.size(), split);
            // the round trip through our writer keeps every value
            Path copy = tmp.resolve(split + ".csv");
            AnnotationCsv.write(copy, rows);
            assertEquals(rows, AnnotationCsv.read(copy));
        }
    }
}
