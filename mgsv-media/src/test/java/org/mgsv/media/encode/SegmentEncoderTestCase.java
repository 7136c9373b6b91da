package org.mgsv.media.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SegmentEncoder} must keep. An implementation's test extends this class and returns
 * a fresh encoder from {@link #createEncoder()}; exported in mgsv-media's test-jar.
 */
public abstract class SegmentEncoderTestCase extends EncoderTestCase<SegmentEncoder, FbankWindows> {
    /** Normalised value of a padded fbank row (docs/spec/MADE.md §1). */
    public static final float PADDED_ROW = 0.46703237f;
    /** Normalised value of a silent frame (log floor). */
    public static final float SILENT = -1.2775939f;

    protected SegmentEncoderTestCase() {
        super(768, SegmentEncoder::dim, SegmentEncoder::name, SegmentEncoder::encode);
    }

    /**
     * True when each window's row depends on that window alone (AST). Encoders that add track-level context
     * (e.g. tempo over the whole track) return false.
     */
    protected boolean windowsIndependent() {
        return true;
    }

    @Override
    FbankWindows deterministicInput() {
        return sampleWindows(5);
    }

    /**
     * A synthetic track of {@code validWindows} windows: a tone-like stripe pattern that moves with the window
     * index plus a beat every 50 frames, in the normalised fbank range; masked windows hold silence + padding.
     */
    public static FbankWindows sampleWindows(int validWindows) {
        float[][] w = new float[FbankWindows.WINDOWS][];
        float[] mask = new float[FbankWindows.WINDOWS];
        for (int s = 0; s < FbankWindows.WINDOWS; s++) {
            float[] x = new float[FbankWindows.FRAMES * FbankWindows.MEL_BINS];
            boolean valid = s < validWindows;
            for (int t = 0; t < FbankWindows.FRAMES; t++) {
                for (int m = 0; m < FbankWindows.MEL_BINS; m++) {
                    float v;
                    if (t >= 998) {
                        v = PADDED_ROW;
                    } else if (!valid) {
                        v = SILENT;
                    } else {
                        double tone = Math.exp(-Math.pow((m - (20 + 3 * (s % 30))) / 4.0, 2));
                        double beat = (t + 7 * s) % 50 < 5 ? 0.6 : 0.0;
                        v = (float) (-0.9 + 1.4 * tone + beat * (m < 40 ? 1 : 0.3) + 0.1 * Math.sin(0.05 * t * (1 + m % 5)));
                    }
                    x[t * FbankWindows.MEL_BINS + m] = v;
                }
            }
            w[s] = x;
            mask[s] = valid ? 1 : 0;
        }
        return new FbankWindows(w, mask, validWindows * 2.5);
    }

    @Test
    void ninetySixFiniteRowsMaskedRowsZero() {
        FbankWindows in = sampleWindows(12);
        float[][] out = encoder.encode(in);
        assertEquals(FbankWindows.WINDOWS, out.length);
        for (int s = 0; s < out.length; s++) {
            assertEquals(expectedDim(), out[s].length, "row " + s);
            for (float v : out[s]) {
                assertTrue(Float.isFinite(v), "row " + s + " has a non-finite value");
            }
            if (in.mask()[s] == 0) {
                assertArrayEquals(new float[expectedDim()], out[s], "masked window " + s + " must be zeros");
            } else {
                float norm = 0;
                for (float v : out[s]) {
                    norm += v * v;
                }
                assertTrue(norm > 0, "valid window " + s + " encodes to zeros");
            }
        }
    }

    @Test
    void differentWindowsGiveDifferentRows() {
        float[][] out = encoder.encode(sampleWindows(4));
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                assertFalse(Arrays.equals(out[i], out[j]), "windows " + i + " and " + j + " encode identically");
            }
        }
    }

    @Test
    void rowsDoNotDependOnOtherWindows() {
        FbankWindows in = sampleWindows(10);
        float[][] all = encoder.encode(in);
        // mask out windows 5.. : rows 0..4 unchanged (independent encoders) and 5.. zero
        float[] mask = in.mask().clone();
        for (int s = 5; s < mask.length; s++) {
            mask[s] = 0;
        }
        float[][] part = encoder.encode(new FbankWindows(in.windows(), mask, 12.5));
        for (int s = 0; s < FbankWindows.WINDOWS; s++) {
            if (s >= 5) {
                assertArrayEquals(new float[expectedDim()], part[s], "masked window " + s);
            } else if (windowsIndependent()) {
                assertRowsClose(all[s], part[s], "window " + s + " with fewer valid windows");
            }
        }
    }

    @Test
    void rejectsMalformedInputClearly() {
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(null));
        FbankWindows ok = sampleWindows(3);
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> encoder.encode(
                new FbankWindows(Arrays.copyOf(ok.windows(), 95), Arrays.copyOf(ok.mask(), 95), 7.5)));
        assertTrue(few.getMessage().contains("96"), few.getMessage());
        float[][] w = ok.windows().clone();
        w[1] = new float[100];
        IllegalArgumentException shortWin = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(new FbankWindows(w, ok.mask(), 7.5)));
        assertTrue(shortWin.getMessage().contains("1"), shortWin.getMessage());
    }
}
