package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.features.PackedFeatureStore;
import org.mgsv.core.testing.TestDatasets;

class PackCommandTest {
    @TempDir Path tmp;

    @Test
    void packsSplitsIntoAStoreThatReadsBackTheSameFeatures() throws Exception {
        TestDatasets.Dataset ds = TestDatasets.builder().train(0).val(2).test(2).seed(9).write(tmp.resolve("ds"));
        Path store = tmp.resolve("store");
        CliRun r = CliRun.run("pack", "--features", ds.root().toString(), "--csv", ds.csv("val").toString(), "--csv",
                ds.csv("test").toString(), "--out", store.toString(), "--verify");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("packed 4 videos and 4 tracks") && r.out().contains("checksum verified"), r.out());
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
        r = CliRun.run("pack", "--features", ds.featureRoot().toString(), "--csv", ds.csv("val").toString(), "--out",
                store.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--force"), r.err());
        r = CliRun.run("pack", "--features", ds.featureRoot().toString(), "--csv", ds.csv("val").toString(), "--out",
                store.toString(), "--force", "--float16");
        assertEquals(0, r.code(), r.err());
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
        CliRun r = CliRun.run("pack", "--features", ds.featureRoot().toString(), "--csv", ds.csv("val").toString(),
                "--out", store.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: features missing") && r.err().matches("(?s).*video \\d+x: no features.*"),
                r.err());
        assertFalse(r.err().contains("at org."), "no stack trace: " + r.err());
        assertFalse(Files.exists(store));
    }

    @Test
    void helpHasExamples() {
        CliRun r = CliRun.run("pack", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--skip-bad"), r.out());
    }
}
