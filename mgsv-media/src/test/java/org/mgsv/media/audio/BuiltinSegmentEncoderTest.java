package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mgsv.media.encode.FbankWindows;

class BuiltinSegmentEncoderTest {
    static final int[][] BLOCKS = {
        {0, 128}, {128, 256}, {256, 352}, {352, 448}, {448, 480}, {480, 487}, {487, 551}, {551, 555},
        {555, 571}, {571, 623}, {623, 631}, {631, 645}, {645, 661}, {661, 701}, {701, 737}, {737, 768}
    };

    static float[] tone(double hz, double seconds, double amp) {
        float[] x = new float[(int) (seconds * 16000)];
        for (int i = 0; i < x.length; i++) {
            double t = i / 16000.0;
            // a harmonic tone (3 partials) so the pitch class shows in every register
            x[i] = (float) (amp * (Math.sin(2 * Math.PI * hz * t) + 0.5 * Math.sin(2 * Math.PI * 2 * hz * t)
                    + 0.25 * Math.sin(2 * Math.PI * 4 * hz * t)));
        }
        return x;
    }

    static float[] encodeOne(float[] wave, int window) {
        AstFrontEnd fe = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 1);
        float[] w = fe.computeWindows(wave, new int[] {window})[0];
        return new BuiltinSegmentEncoder().encodeWindow(w);
    }

    static double dist(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    @Test
    void shapeMaskDeterminism() {
        float[] wave = BeatTrackerTest.clicks(120, 0.2, 20, 3);
        FbankWindows fw = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 1).compute(wave);
        BuiltinSegmentEncoder enc = new BuiltinSegmentEncoder();
        assertEquals(768, enc.dim());
        assertEquals("builtin-v1", enc.name());
        float[][] e = enc.encode(fw);
        float[][] e2 = enc.encode(fw);
        assertEquals(96, e.length);
        for (int s = 0; s < 96; s++) {
            assertEquals(768, e[s].length);
            assertArrayEquals(e[s], e2[s], "deterministic");
            boolean valid = fw.mask()[s] > 0;
            double norm = 0;
            for (float v : e[s]) {
                assertTrue(Float.isFinite(v));
                norm += v * v;
            }
            assertEquals(valid, norm > 0, "window " + s + " mask " + fw.mask()[s]);
        }
    }

    @Test
    void chromaFollowsPitchClass() {
        // A (pitch class 9) and C (pitch class 0): the chroma-mean block peaks at the right class
        float[] a = encodeOne(tone(440, 12, 0.2), 2);
        float[] c = encodeOne(tone(523.25, 12, 0.2), 2);
        assertEquals(9, argmax(a, 571, 583));
        assertEquals(0, argmax(c, 571, 583));
    }

    @Test
    void tempoBlockSeparatesTempi() {
        float[] slow = encodeOne(BeatTrackerTest.clicks(90, 0.1, 30, 1), 6);
        float[] slow2 = encodeOne(BeatTrackerTest.clicks(90, 0.3, 30, 2), 6);
        float[] fast = encodeOne(BeatTrackerTest.clicks(150, 0.1, 30, 1), 6);
        // tempo value: 2·log2(BPM/120)
        assertEquals(2 * Math.log(90 / 120.0) / Math.log(2), slow[551], 0.1);
        assertEquals(2 * Math.log(150 / 120.0) / Math.log(2), fast[551], 0.1);
        assertTrue(dist(slow, slow2) < dist(slow, fast), "same tempo closer than different tempo");
    }

    @Test
    void similarMusicIsCloserThanDifferentMusic() {
        Random r = new Random(5);
        float[] noise = new float[16000 * 30];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.1 * r.nextGaussian());
        }
        float[] t1 = encodeOne(tone(440, 30, 0.2), 4);
        float[] t2 = encodeOne(tone(440, 30, 0.2), 8);
        float[] t3 = encodeOne(tone(392, 30, 0.2), 4);
        float[] n1 = encodeOne(noise, 4);
        assertTrue(dist(t1, t2) < dist(t1, t3));
        assertTrue(dist(t1, t3) < dist(t1, n1));
    }

    /** Per-block scale on a real recording: every block's RMS within a comparable range. */
    @Test
    void blockScalesOnARealRecording() {
        java.nio.file.Path ogg = FbankEndToEndParityTest.recording();
        FbankWindows fw = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 2).compute(ogg);
        float[][] e = new BuiltinSegmentEncoder().encode(fw);
        for (int[] blk : BLOCKS) {
            double s = 0;
            int c = 0;
            for (int w = 0; w < 96; w++) {
                if (fw.mask()[w] == 0) {
                    continue;
                }
                for (int i = blk[0]; i < blk[1]; i++) {
                    s += e[w][i] * e[w][i];
                    c++;
                }
            }
            double rms = Math.sqrt(s / c);
            System.out.printf(Locale.ROOT, "builtin-v1 block [%d,%d) rms on frantic.ogg: %.3f%n", blk[0], blk[1], rms);
            assertTrue(rms > 0.05 && rms < 4, "block " + blk[0] + " rms " + rms);
        }
    }

    static int argmax(float[] v, int from, int to) {
        int best = from;
        for (int i = from; i < to; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best - from;
    }
}
