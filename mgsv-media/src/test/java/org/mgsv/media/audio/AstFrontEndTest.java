package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.media.encode.FbankWindows;

class AstFrontEndTest {
    @TempDir Path tmp;

    static float[] noise(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.2 * r.nextGaussian() * (1 + Math.sin(i * 1e-4)));
        }
        return x;
    }

    /** Shared-grid windows are bit-identical to running the fbank on each window's own slice. */
    @Test
    void sharedFramesEqualPerWindowComputation() {
        float[] wave = noise(16000 * 50, 1); // 50 s: windows past 50 s see zero padding
        int[] sel = {0, 1, 2, 3, 4, 7, 19, 20, 21, 40, 94, 95};
        float[][] got = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 2).computeWindows(wave, sel);
        float[] padded = Arrays.copyOf(wave, AstFrontEnd.SAMPLES);
        KaldiFbank fb = new KaldiFbank();
        for (int w = 0; w < sel.length; w++) {
            int s = sel[w];
            float[] slice = Arrays.copyOfRange(padded, AstFrontEnd.windowStart(s), AstFrontEnd.windowEnd(s));
            float[][] rows = fb.compute(slice);
            float[] want = new float[FbankWindows.FRAMES * FbankWindows.MEL_BINS];
            Arrays.fill(want, AstFrontEnd.PAD_VALUE);
            for (int t = 0; t < rows.length; t++) {
                for (int b = 0; b < 128; b++) {
                    want[t * 128 + b] = (rows[t][b] - AstFrontEnd.NORM_MEAN) / AstFrontEnd.NORM_DIV;
                }
            }
            assertArrayEquals(want, got[w], "window " + s);
        }
    }

    @Test
    void geometryAndMask() {
        assertEquals(0, AstFrontEnd.windowStart(0));
        assertEquals(80000, AstFrontEnd.windowEnd(0));
        assertEquals(498, AstFrontEnd.rawFrames(0));
        assertEquals(748, AstFrontEnd.rawFrames(1));
        assertEquals(998, AstFrontEnd.rawFrames(10));
        assertEquals(748, AstFrontEnd.rawFrames(95));
        assertEquals(0.46703237f, AstFrontEnd.PAD_VALUE, 1e-7f);
        float[] m = AstFrontEnd.mask(16000 * 10);
        assertEquals(5, sum(m)); // centres 0, 2.5, 5, 7.5, 10
        assertEquals(96, sum(AstFrontEnd.mask(16000 * 300)));
        assertEquals(1, sum(AstFrontEnd.mask(100)));
    }

    @Test
    void silenceAndPaddingValues() {
        float[][] w = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 1).computeWindows(new float[16000], new int[] {0});
        // all frames of silence sit at the log floor: normalised −1.2775939; rows ≥ 498 are padding
        assertEquals(-1.2775939f, w[0][0], 1e-6f);
        assertEquals(-1.2775939f, w[0][497 * 128 + 127], 1e-6f);
        assertEquals(AstFrontEnd.PAD_VALUE, w[0][498 * 128]);
    }

    @Test
    void longTracksAreCutAt240sAndKeepTheirDuration() throws Exception {
        TestMedia.assumeFfmpeg();
        Path f = tmp.resolve("long.mp3");
        TestMedia.ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:sample_rate=16000:duration=250", "-ac", "1",
                "-c:a", "libmp3lame", "-b:a", "32k", f.toString());
        DecodedAudio a = AudioDecoder.decode(f, AstFrontEnd.DECODE_SECONDS);
        assertTrue(a.cutAtLimit());
        assertEquals(241.0, a.durationSeconds(), 1e-6);
        assertEquals(250.0, a.totalSeconds(), 0.2);
        FbankWindows fw = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 2).compute(f);
        assertEquals(96, sum(fw.mask()));
        assertEquals(250.0, fw.durationSeconds(), 0.2);
        // the last window holds audio up to 240 s: no floor rows
        assertTrue(fw.windows()[95][747 * 128 + 20] > -1.0f);
    }

    static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}
