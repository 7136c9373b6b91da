package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.media.audio.AstFrontEnd;

class FbankCommandTest {
    @TempDir Path tmp;

    @Test
    void windowListParsing() {
        float[] mask = AstFrontEnd.mask(16000 * 20); // 20 s: windows 0..8 valid
        assertArrayEquals(new int[] {0, 1, 10, 8}, FbankCommand.parseWindows("0,1,10,last", mask));
        assertEquals(96, FbankCommand.parseWindows("all", mask).length);
        assertThrows(MgsvException.class, () -> FbankCommand.parseWindows("96", mask));
        assertThrows(MgsvException.class, () -> FbankCommand.parseWindows("x", mask));
    }

    @Test
    void writesWindowsAndMask() throws Exception {
        Path wav = tmp.resolve("tone.wav");
        try {
            Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100:duration=12", wav.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg failed");
        } catch (java.io.IOException e) {
            Assumptions.abort("ffmpeg not available");
        }
        Path out = tmp.resolve("w.npz");
        CliRun r = CliRun.run("fbank", "--audio", wav.toString(), "--windows", "0,last", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, NpyArray> npz = Npz.read(out);
        assertEquals(java.util.Set.of("window_0", "window_4", "mask"), npz.keySet());
        assertArrayEquals(new int[] {1024, 128}, npz.get("window_4").shape());
        assertEquals(5f, sum(npz.get("mask").toTensor().toArray()));

        r = CliRun.run("fbank", "--audio", tmp.resolve("none.ogg").toString(), "--out",
                tmp.resolve("x.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("none.ogg"), r.err());
        assertFalse(Files.exists(tmp.resolve("x.npz")));
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}
