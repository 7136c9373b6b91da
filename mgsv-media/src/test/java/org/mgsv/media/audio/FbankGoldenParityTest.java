package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mgsv.core.tensor.Npy;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.media.encode.FbankWindows;

/**
 * Parity of the fbank windows with upstream's torchaudio computation ({@code golden/fbank-A}), from the saved
 * 16 kHz channel-0 waveform (first 60 s): windows 0, 1 and 10 lie entirely inside it.
 */
class FbankGoldenParityTest {
    static Path golden() {
        String shared = System.getProperty("mgsv.shared", "../shared");
        Path dir = Path.of(shared, "golden", "fbank-A");
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared golden data absent: " + dir);
        return dir;
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void windowsFromSavedWaveformMatchTorchaudio() {
        Path dir = golden();
        float[] wave = Npy.read(dir.resolve("waveform16k_ch0_first60s.npy")).toArray();
        assertEquals(960000, wave.length);
        Map<String, NpyArray> ref = Npz.read(dir.resolve("fbank.npz"));
        int[] windows = {0, 1, 10};
        float[][] got = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 1).computeWindows(wave, windows);
        long[] rawFrames = ref.get("raw_fbank_frames").toLongs();
        for (int w = 0; w < windows.length; w++) {
            int s = windows[w];
            assertEquals((int) rawFrames[s], AstFrontEnd.rawFrames(s), "raw frames of window " + s);
            NpyArray r = ref.get("fbank_win" + s);
            assertArrayEquals(new int[] {FbankWindows.FRAMES, FbankWindows.MEL_BINS}, r.shape());
            double err = maxAbs(got[w], r.toTensor().toArray());
            System.out.printf(Locale.ROOT, "fbank-A window %d from saved waveform: max |diff| = %.3g%n", s, err);
            assertTrue(err <= 1e-3, "window " + s + " max abs diff " + err);
        }
    }

    @Test
    void rawFrameCountsMatchForAllWindows() {
        Path dir = golden();
        long[] rawFrames = Npz.read(dir.resolve("fbank.npz")).get("raw_fbank_frames").toLongs();
        for (int s = 0; s < FbankWindows.WINDOWS; s++) {
            assertEquals((int) rawFrames[s], AstFrontEnd.rawFrames(s), "window " + s);
            assertEquals(0, AstFrontEnd.windowStart(s) % KaldiFbank.FRAME_SHIFT, "grid alignment of window " + s);
        }
    }
}
