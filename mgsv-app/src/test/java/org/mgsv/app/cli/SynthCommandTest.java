package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.synth.SynthConfig;
import org.mgsv.synth.SynthWriter;
import picocli.CommandLine;

class SynthCommandTest {
    @TempDir Path tmp;

    @Test
    void writesABenchmarkAndSkipsAnIdenticalRerun() {
        Path out = tmp.resolve("bench");
        String[] args = {"synth", "--out", out.toString(), "--train", "20", "--val", "4", "--test", "4",
            "--seed", "3", "--repeat-rate", "0.5", "--threads", "2", "--oracle", "4"};
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train 20 videos"), r.out());
        assertTrue(r.out().contains("oracle on test (secret maps known): 4 queries"), r.out());
        assertTrue(r.out().contains("linear probe on test (fit on 20 train videos): 4 queries"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("dataset/MGSV-EC/train_data.csv")));
        SynthConfig expected = SynthConfig.builder().trainVideos(20).valVideos(4).testVideos(4).seed(3)
                .repeatRate(0.5).build();
        assertEquals(expected, SynthWriter.readConfig(out));
        CliRun again = CliRun.run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already holds"), again.out());
    }

    @Test
    void referencePresetHasTheRealSizes() {
        SynthCommand c = new SynthCommand();
        new CommandLine(c).parseArgs("--out", "x", "--reference");
        assertEquals(SynthConfig.referenceScale(), c.config());
        new CommandLine(c = new SynthCommand()).parseArgs("--out", "x", "--reference", "--train", "1000");
        assertEquals(2000, c.config().valVideos());
        assertEquals(71, c.config().effectiveTrainTracks());
    }

    @Test
    void badKnobIsAUserErrorWithoutStackTrace() {
        CliRun r = CliRun.run("synth", "--out", tmp.resolve("b").toString(), "--palette-share", "1.5");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("palette share must be in [0, 1]"), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
    }
}
