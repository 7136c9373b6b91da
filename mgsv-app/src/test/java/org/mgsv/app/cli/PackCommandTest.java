package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.Main;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.features.PackedFeatureStore;
import org.mgsv.core.testing.TestDatasets;
import picocli.CommandLine;

class PackCommandTest {
    @TempDir Path tmp;

    private String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void packsSplitsIntoAStoreThatReadsBackTheSameFeatures() throws Exception {
        TestDatasets.Dataset ds = TestDatasets.builder().train(0).val(2).test(2).seed(9).write(tmp.resolve("ds"));
        Path store = tmp.resolve("store");
        String[] r = run("pack", "--features", ds.root().toString(), "--csv", ds.csv("val").toString(), "--csv",
                ds.csv("test").toString(), "--out", store.toString(), "--verify");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("packed 4 videos and 4 tracks") && r[1].contains("checksum verified"), r[1]);
        try (DatasetLayout l = DatasetLayout.resolve(store)) {
            for (String split : new String[] {"val", "test"}) {
                assertEquals(ds.annotations(split), l.annotations(split));
                for (var a : l.annotations(split)) {
                    assertEquals(ds.videos().get(a.videoId()).feats(), l.features().video(a.videoId()).feats());
                    assertEquals(ds.music().get(a.musicId()).mask(), l.features().music(a.musicId()).mask());
                }
            }
        }
        // an existing store is only replaced with --force
        r = run("pack", "--features", ds.featureRoot().toString(), "--csv", ds.csv("val").toString(), "--out",
                store.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--force"), r[2]);
        r = run("pack", "--features", ds.featureRoot().toString(), "--csv", ds.csv("val").toString(), "--out",
                store.toString(), "--force", "--float16");
        assertEquals("0", r[0], r[2]);
        try (PackedFeatureStore s = PackedFeatureStore.open(store)) {
            assertEquals(PackedFeatureStore.Precision.FLOAT16, s.precision());
            assertEquals(2, s.videoIds().size());
        }
    }

    @Test
    void badInputFailsWithExitCode1AndNoStore() throws Exception {
        TestDatasets.Dataset ds = TestDatasets.builder().train(0).val(2).test(0).seed(4).write(tmp.resolve("ds"));
        Files.writeString(ds.csv("val"), Files.readString(ds.csv("val")).replaceFirst("\n(\\d+),", "\n$1x,"));
        Path store = tmp.resolve("store");
        String[] r = run("pack", "--features", ds.featureRoot().toString(), "--csv", ds.csv("val").toString(),
                "--out", store.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].startsWith("error: features missing") && r[2].matches("(?s).*video \\d+x: no features.*"),
                r[2]);
        assertFalse(r[2].contains("at org."), "no stack trace: " + r[2]);
        assertFalse(Files.exists(store));
    }

    @Test
    void helpHasExamples() {
        String[] r = run("pack", "--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("Examples:") && r[1].contains("--skip-bad"), r[1]);
    }
}
