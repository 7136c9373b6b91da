package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LandmarksTest {
    private static float[][] randomSpectrogram(Random rnd, int frames, int bins) {
        float[][] s = new float[frames][bins];
        for (float[] row : s) {
            for (int f = 0; f < bins; f++) {
                int kind = rnd.nextInt(10);
                // ties (small integers), the floor (digital silence) and ordinary values
                row[f] = kind == 0 ? Landmarks.LOG_FLOOR : kind < 3 ? rnd.nextInt(3) : (float) (rnd.nextGaussian() * 3);
            }
        }
        return s;
    }

    /** Whitening subtracts each bin's mean over ±43 frames (fewer at the ends). */
    @Test
    void whiteningSubtractsEachBinsRunningMean() {
        Random rnd = new Random(3);
        for (int frames : new int[] {1, 5, 87, 200}) {
            float[][] s = randomSpectrogram(rnd, frames, 40);
            float[][] w = Landmarks.whiten(s);
            for (int t = 0; t < frames; t++) {
                for (int f = 0; f < 40; f++) {
                    double sum = 0;
                    int a = Math.max(0, t - 43), b = Math.min(frames - 1, t + 43);
                    for (int u = a; u <= b; u++) {
                        sum += s[u][f];
                    }
                    assertEquals(s[t][f] - sum / (b - a + 1), w[t][f], 1e-5, "frame " + t + " bin " + f);
                }
            }
        }
    }

    /**
     * A peak is what its definition says, at the spectrogram's edges and with ties: whitened value above zero and
     * the largest (ties allowed) of its ±3 frames × ±5 bins, log power above the floor and both neighbours.
     */
    @Test
    void isPeakIsTheDefinition() {
        Random rnd = new Random(4);
        int peaks = 0;
        for (int rep = 0; rep < 4; rep++) {
            int frames = 1 + rnd.nextInt(60), bins = Landmarks.BINS;
            float[][] s = randomSpectrogram(rnd, frames, bins);
            float[][] w = Landmarks.whiten(s);
            for (int t = 0; t < frames; t++) {
                for (int f = Landmarks.MIN_BIN; f <= Landmarks.MAX_BIN; f++) {
                    float v = w[t][f];
                    boolean max = true;
                    for (int u = Math.max(0, t - 3); u <= Math.min(frames - 1, t + 3); u++) {
                        for (int g = Math.max(0, f - 5); g <= Math.min(bins - 1, f + 5); g++) {
                            max &= w[u][g] <= v;
                        }
                    }
                    boolean want = max && v > 0 && s[t][f] > Landmarks.LOG_FLOOR + 1 && s[t][f] > s[t][f - 1]
                            && s[t][f] > s[t][f + 1];
                    assertEquals(want, Landmarks.isPeak(s, w, t, f), "frame " + t + " bin " + f);
                    peaks += want ? 1 : 0;
                }
            }
        }
        assertTrue(peaks > 100, "the random spectrograms have peaks to find: " + peaks);
    }

    /** The landmarks pair only peaks: every kept peak is one by definition. */
    @Test
    void everyKeptPeakIsAPeak() {
        Random rnd = new Random(5);
        float[][] s = randomSpectrogram(rnd, 300, Landmarks.BINS);
        float[][] w = Landmarks.whiten(s);
        Landmarks.Peaks p = Landmarks.peaks(s, 30);
        assertTrue(p.t().length > 50, "peaks kept: " + p.t().length);
        for (int i = 0; i < p.t().length; i++) {
            assertTrue(Landmarks.isPeak(s, w, p.t()[i], p.f()[i]), "peak " + i);
        }
    }
}
