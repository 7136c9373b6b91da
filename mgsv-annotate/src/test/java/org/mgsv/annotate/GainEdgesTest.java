package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The heard span fitted on the waveforms, on a real recording under voice-like interference, fades and EQ. */
class GainEdgesTest {
    private static final int SR = Landmarks.SAMPLE_RATE;
    private static float[] track;

    @BeforeAll
    static void load() {
        track = MusicLibrary.mono(FingerprintIndexTest.recording()); // mono at 11,025 Hz
    }

    /**
     * A soundtrack of {@code seconds}: silence (noise) before {@code pre}, then the track from {@code from} s with
     * a linear fade-in and fade-out, an EQ tilt and a gain, cut {@code post} s before the end; another passage of
     * the same recording, backwards, over all of it at {@code musicDb} below the music (what a voice-over is to the
     * matcher: a loud sound that is not the aligned track), and noise 30 dB down.
     */
    private static float[] soundtrack(double seconds, double pre, double post, double from, double fadeIn,
            double fadeOut, double musicDb, long seed) {
        int n = (int) (seconds * SR), a = (int) (pre * SR), len = n - a - (int) (post * SR);
        int fi = (int) (fadeIn * SR), fo = (int) (fadeOut * SR), src = (int) (from * SR);
        float[] out = new float[n];
        double lp = 0, k = Math.exp(-2 * Math.PI * 1500.0 / SR), sum = 0;
        for (int i = 0; i < len; i++) {
            double g = 0.6;
            if (i < fi) {
                g *= (double) i / fi;
            }
            if (i >= len - fo) {
                g *= (double) (len - i) / fo;
            }
            double x = track[src + i];
            lp = k * lp + (1 - k) * x;
            out[a + i] = (float) (g * (x + 0.3 * lp));
            sum += out[a + i] * out[a + i];
        }
        double rms = Math.sqrt(sum / len);
        // the interference: another passage of the recording, played backwards (it shares the timbre, not the
        // waveform)
        int other = src + 47 * SR + n;
        double os = 0;
        for (int i = 0; i < n; i++) {
            os += track[other - i] * track[other - i];
        }
        double scale = rms / Math.pow(10, musicDb / 20) / Math.sqrt(os / n);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            out[i] += (float) (scale * track[other - i] + rms * 0.03 * r.nextGaussian());
        }
        return out;
    }

    @Test
    void findsAFadeInAndAFadeOutUnderInterferenceLouderThanTheMusic() {
        double pre = 1.5, post = 2.0, from = 20.0;
        float[] q = soundtrack(16, pre, post, from, 0.8, 0.6, -3, 1);
        // query sample 0 is track sample (from - pre) * SR; the offset handed in is 7 samples (0.6 ms) off, and
        // the spectral edges are late at the fade-in and early at the fade-out, as a threshold puts them
        double pos = (from - pre) * SR + 7;
        GainEdges.Edges e = GainEdges.find(q, track, pos, 4 * SR, 12 * SR, 2.4 * SR, 13.4 * SR);
        assertNotNull(e, "the aligned waveforms correlate");
        // a linear fade starts at gain 0: its first tens of milliseconds are below the interference
        assertEquals(pre, e.start() / SR, 0.05, "start");
        assertEquals(16 - post, e.end() / SR, 0.05, "end");
        assertTrue(e.coherence() > 0.3, "coherence " + e.coherence());
    }

    @Test
    void findsAbruptEdgesWithinTwentyMilliseconds() {
        double pre = 0.7, post = 1.3, from = 33.0;
        float[] q = soundtrack(14, pre, post, from, 0, 0, 0, 2);
        double pos = (from - pre) * SR - 4;
        GainEdges.Edges e = GainEdges.find(q, track, pos, 3 * SR, 10 * SR, 1.1 * SR, 12.2 * SR);
        assertNotNull(e);
        assertEquals(pre, e.start() / SR, 0.02, "start");
        assertEquals(14 - post, e.end() / SR, 0.02, "end");
    }

    @Test
    void musicFromTheVideosFirstSampleToItsLastKeepsTheWholeQuery() {
        float[] q = soundtrack(12, 0, 0, 60.0, 0, 0, 6, 3);
        GainEdges.Edges e = GainEdges.find(q, track, 60.0 * SR, 2 * SR, 10 * SR, 0.3 * SR, 11.6 * SR);
        assertNotNull(e);
        assertEquals(0, e.start(), 0.0);
        assertEquals(q.length, e.end(), 0.0);
    }

    @Test
    void aSoundtrackWhoseWaveformIsNotTheTracksIsLeftToTheSpectralEdges() {
        // the recording backwards: the same spectra frame by frame, no waveform in common
        float[] back = new float[track.length];
        for (int i = 0; i < back.length; i++) {
            back[i] = track[track.length - 1 - i];
        }
        float[] q = soundtrack(12, 1, 1, 20.0, 0, 0, 6, 4);
        assertNull(GainEdges.find(q, back, back.length - 20.0 * SR - 11 * SR, 3 * SR, 9 * SR, 1 * SR, 11 * SR));
    }
}
