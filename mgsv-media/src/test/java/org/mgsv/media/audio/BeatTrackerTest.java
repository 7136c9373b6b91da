package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeatTrackerTest {
    /**
     * A click track at {@code bpm}: a short decaying 1.5 kHz click on every beat, with a low 80 Hz thump added
     * on every 4th beat (the bar's downbeat), starting at {@code offset} s, over light noise.
     */
    static float[] clicks(double bpm, double offset, double seconds, long seed) {
        int sr = KaldiFbank.SAMPLE_RATE;
        float[] x = new float[(int) (seconds * sr)];
        Random rnd = new Random(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.003 * rnd.nextGaussian());
        }
        double period = 60 / bpm;
        int k = 0;
        for (double t = offset; t < seconds - 0.2; t += period, k++) {
            int s0 = (int) Math.round(t * sr);
            for (int i = 0; i < 0.08 * sr && s0 + i < x.length; i++) {
                double u = i / (double) sr;
                double v = 0.5 * Math.exp(-u / 0.01) * Math.sin(2 * Math.PI * 1500 * u);
                if (k % 4 == 0) {
                    v += 0.6 * Math.exp(-u / 0.04) * Math.sin(2 * Math.PI * 80 * u);
                }
                x[s0 + i] += (float) v;
            }
        }
        return x;
    }

    @Test
    void findsTempoBeatsAndDownbeatsOfAClickTrack() {
        for (double bpm : new double[] {120, 96, 140}) {
            double offset = 0.3;
            BeatTracker.Beats b = BeatTracker.track(clicks(bpm, offset, 30, 1));
            assertEquals(bpm, b.bpm(), bpm * 0.02, "tempo of a " + bpm + " BPM click track");
            double period = 60 / bpm;
            int hit = 0;
            for (double t : b.beats()) {
                double phase = (t - offset) / period;
                double err = Math.abs(phase - Math.rint(phase)) * period;
                if (err < 0.03) {
                    hit++;
                }
            }
            int expected = (int) ((30 - 0.2 - offset) / period) + 1;
            assertTrue(hit >= 0.9 * expected, bpm + " BPM: " + hit + " of " + expected + " beats within 30 ms");
            assertTrue(b.beats().length <= expected + 1, "no extra beats: " + b.beats().length);
            int onBar = 0;
            for (double t : b.downbeats()) {
                double bar = (t - offset) / (4 * period);
                if (Math.abs(bar - Math.rint(bar)) * 4 * period < 0.03) {
                    onBar++;
                }
            }
            assertTrue(onBar >= 0.9 * b.downbeats().length && b.downbeats().length >= expected / 4 - 1,
                    bpm + " BPM: " + onBar + " of " + b.downbeats().length + " downbeats on the accented clicks");
        }
    }

    @Test
    void silenceHasNoBeats() {
        BeatTracker.Beats b = BeatTracker.track(new float[16000 * 10]);
        assertEquals(0, b.beats().length);
    }

    @Test
    void sanityOnARealRecording() {
        java.nio.file.Path ogg = FbankEndToEndParityTest.recording();
        BeatTracker.Beats b = BeatTracker.track(ogg);
        System.out.printf(Locale.ROOT, "frantic.ogg: %.1f BPM, %d beats, %d downbeats%n", b.bpm(), b.beats().length,
                b.downbeats().length);
        assertTrue(b.bpm() >= 60 && b.bpm() <= 200, "tempo " + b.bpm());
        double period = 60 / b.bpm();
        assertTrue(b.beats().length >= 0.7 * 162 / period, "beats cover the track: " + b.beats().length);
        int regular = 0;
        for (int i = 1; i < b.beats().length; i++) {
            double gap = b.beats()[i] - b.beats()[i - 1];
            if (Math.abs(gap - period) < 0.15 * period) {
                regular++;
            }
        }
        assertTrue(regular >= 0.8 * (b.beats().length - 1), "regular gaps: " + regular);
    }
}
