package org.mgsv.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class RunFileTest {
    @TempDir Path tmp;

    @Test
    void roundTrip() {
        List<RunEntry> run = List.of(
                new RunEntry("v1", "m1", List.of("m2", "m1", "m2"), -1.5, 30.25, 10, 40.125, 180.5),
                new RunEntry("v2", "m2", List.of(), 0, 14.666666030883789, 3, 17, 60));
        Path f = tmp.resolve("sub/run.jsonl");
        RunFile.write(f, run);
        assertEquals(run, RunFile.read(f));
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary files left");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private String error(String content) throws IOException {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, content);
        MgsvException e = assertThrows(MgsvException.class, () -> RunFile.read(f));
        assertTrue(e.getMessage().contains("bad.jsonl"), e.getMessage());
        return e.getMessage();
    }

    static final String OK = "{\"video_id\":\"v1\",\"music_id\":\"m1\",\"ranking\":[\"m1\"],\"pred_start\":0,"
            + "\"pred_end\":1,\"gt_start\":0,\"gt_end\":1,\"music_duration\":10}\n";

    @Test
    void errorsNameFileLineAndField() throws IOException {
        String m = error(OK + "\n" + OK.replace("\"pred_start\":0,", ""));
        assertTrue(m.contains("line 3") && m.contains("'pred_start'") && m.contains("missing"), m);
        m = error(OK.replace("\"pred_end\":1", "\"pred_end\":\"x\""));
        assertTrue(m.contains("line 1") && m.contains("'pred_end'") && m.contains("number"), m);
        m = error(OK.replace("[\"m1\"]", "[\"m1\", 3]"));
        assertTrue(m.contains("'ranking[1]'"), m);
        m = error(OK.replace("[\"m1\"]", "\"m1\""));
        assertTrue(m.contains("'ranking'") && m.contains("array"), m);
        m = error(OK + OK);
        assertTrue(m.contains("line 2") && m.contains("duplicate video id 'v1'") && m.contains("line 1"), m);
        m = error(OK + "{not json\n");
        assertTrue(m.contains("line 2") && m.contains("JSON"), m);
        m = error("[1,2]\n");
        assertTrue(m.contains("line 1") && m.contains("object"), m);
        m = error(OK.replace("\"music_duration\":10", "\"music_duration\":0"));
        assertTrue(m.contains("'music_duration'") && m.contains("> 0"), m);
        m = error(OK.replace("\"music_id\":\"m1\"", "\"music_id\":\"\""));
        assertTrue(m.contains("'music_id'") && m.contains("empty"), m);
        m = error(OK.replace("\"gt_end\":1", "\"gt_end\":1e999"));
        assertTrue(m.contains("'gt_end'") && m.contains("finite"), m);
        m = error("\n\n");
        assertTrue(m.contains("no queries"), m);
    }

    @Test
    void twoObjectsOnOneLineAreAnErrorNotADroppedQuery() throws IOException {
        String two = OK.trim() + OK.replace("v1", "v2");
        String m = error(two);
        assertTrue(m.contains("line 1") && m.contains("one object per line"), m);
    }

    @Test
    void nonFiniteTimesAreNeverWritten() {
        Path f = tmp.resolve("inf.jsonl");
        MgsvException e = assertThrows(MgsvException.class, () -> RunFile.write(f, List.of(
                new RunEntry("v1", "m1", List.of("m1"), 0, 1, 0, Double.POSITIVE_INFINITY, 10))));
        assertTrue(e.getMessage().contains("v1") && e.getMessage().contains("non-finite"), e.getMessage());
        assertFalse(Files.exists(f));
    }

    @Test
    void missingFile() {
        MgsvException e = assertThrows(MgsvException.class, () -> RunFile.read(tmp.resolve("nope.jsonl")));
        assertTrue(e.getMessage().contains("nope.jsonl"));
    }

    @Test
    void extraFieldsAndBlankLinesIgnored() throws IOException {
        Path f = tmp.resolve("r.jsonl");
        Files.writeString(f, "\n" + OK.replace("{", "{\"extra\":[1,2],") + "\n");
        List<RunEntry> r = RunFile.read(f);
        assertEquals(1, r.size());
        assertFalse(r.get(0).ranking().isEmpty());
    }
}
