package org.mgsv.media.encode.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.FrameEncoderTestCase;
import org.mgsv.media.encode.RgbFrame;

class BuiltinFrameEncoderTest extends FrameEncoderTestCase {
    @Override
    protected FrameEncoder createEncoder() {
        return new BuiltinFrameEncoder();
    }

    @Override
    protected boolean framesIndependent() {
        return false; // the motion block compares with the previous frame
    }

    static double cos(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    static RgbFrame scene(int second, int w, int h, int hueShift, int dx) {
        return pattern(second, w, h, (x, y, c) -> {
            int xx = x + dx;
            int sky = y < h / 2 ? 1 : 0;
            int base = c == 0 ? 60 + hueShift : c == 1 ? 120 : 200 - hueShift;
            return sky == 1 ? base + (xx % 40 < 3 ? 50 : 0) : (base / 3 + ((xx / 10 + y / 10) % 2) * 40);
        });
    }

    @Test
    void similarScenesAreCloserThanDifferentOnes() {
        RgbFrame a = scene(0, 320, 180, 0, 0);
        RgbFrame aShifted = scene(1, 320, 180, 0, 2);
        RgbFrame other = scene(2, 320, 180, 150, 0);
        float[][] e = encoder.encode(List.of(a, aShifted, other));
        double near = cos(e[0], e[1]);
        double far = cos(e[0], e[2]);
        assertTrue(near > far + 0.1, "near " + near + " far " + far);
    }

    @Test
    void motionAndCutsShowUp() {
        RgbFrame a = scene(0, 320, 180, 0, 0);
        float[][] still = encoder.encode(List.of(a, a));
        float[][] cut = encoder.encode(List.of(a, scene(1, 320, 180, 150, 17)));
        int motionStart = 512 - 32;
        double stillEnergy = 0;
        double cutEnergy = 0;
        for (int j = 0; j < 16; j++) {
            stillEnergy += Math.abs(still[1][motionStart + j]);
            cutEnergy += Math.abs(cut[1][motionStart + j]);
        }
        assertEquals(0.0, stillEnergy, 1e-6);
        assertTrue(cutEnergy > 0.1, "cut energy " + cutEnergy);
        assertEquals(0f, still[0][motionStart + 28], "first frame has no previous frame");
        assertTrue(still[1][motionStart + 28] > 0, "has-previous flag");
    }

    @Test
    void vectorNormIsSqrtDim() {
        for (float[] row : encoder.encode(sampleFrames())) {
            double n = 0;
            for (float v : row) {
                n += v * v;
            }
            assertEquals(Math.sqrt(512), Math.sqrt(n), 1e-3);
        }
    }
}
