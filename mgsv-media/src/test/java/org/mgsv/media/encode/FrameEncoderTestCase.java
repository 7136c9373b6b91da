package org.mgsv.media.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link FrameEncoder} must keep. An implementation's test extends this class and returns a
 * fresh encoder from {@link #createEncoder()}; exported in mgsv-media's test-jar.
 */
public abstract class FrameEncoderTestCase extends EncoderTestCase<FrameEncoder, List<RgbFrame>> {
    protected FrameEncoderTestCase() {
        super(512, FrameEncoder::dim, FrameEncoder::name, FrameEncoder::encode);
    }

    /**
     * True when each frame's row depends on that frame alone. Encoders with temporal features (motion vs the
     * previous frame) return false; they must still be causal: a row depends only on its frame and earlier ones.
     */
    protected boolean framesIndependent() {
        return true;
    }

    @Override
    List<RgbFrame> deterministicInput() {
        return sampleFrames();
    }

    /** Deterministic test frames of assorted sizes: gradients, noise, flat colour, a 1×1 frame, stripes. */
    public static List<RgbFrame> sampleFrames() {
        List<RgbFrame> frames = new ArrayList<>();
        frames.add(pattern(0, 320, 240, (x, y, c) -> c == 0 ? x * 255 / 319 : c == 1 ? y * 255 / 239 : 128));
        Random r = new Random(42);
        frames.add(pattern(1, 180, 320, (x, y, c) -> r.nextInt(256)));
        frames.add(pattern(2, 64, 64, (x, y, c) -> c == 0 ? 220 : 20));
        frames.add(pattern(3, 1, 1, (x, y, c) -> 255));
        frames.add(pattern(4, 97, 61, (x, y, c) -> ((x / 8 + y / 8) % 2 == 0) ? 0 : 255));
        frames.add(pattern(5, 320, 240, (x, y, c) -> (x + 7) * 255 / 326)); // like frame 0, shifted: motion
        return frames;
    }

    /** Pixel value of channel c at (x, y). */
    public interface PixelFn {
        int at(int x, int y, int c);
    }

    public static RgbFrame pattern(int second, int w, int h, PixelFn f) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, f.at(x, y, c)));
                }
            }
        }
        return new RgbFrame(second, w, h, rgb);
    }

    @Test
    void oneFiniteRowOfDimPerFrame() {
        List<RgbFrame> frames = sampleFrames();
        float[][] out = encoder.encode(frames);
        assertEquals(frames.size(), out.length);
        for (int i = 0; i < out.length; i++) {
            assertEquals(expectedDim(), out[i].length, "row " + i);
            for (float v : out[i]) {
                assertTrue(Float.isFinite(v), "row " + i + " has a non-finite value");
            }
        }
    }

    @Test
    void emptyInputGivesNoRows() {
        assertEquals(0, encoder.encode(List.of()).length);
    }

    @Test
    void differentFramesGiveDifferentRows() {
        float[][] out = encoder.encode(sampleFrames());
        for (int i = 0; i < out.length; i++) {
            for (int j = i + 1; j < out.length; j++) {
                assertFalse(Arrays.equals(out[i], out[j]), "frames " + i + " and " + j + " encode identically");
            }
        }
    }

    @Test
    void rowsDoNotDependOnBatching() {
        List<RgbFrame> frames = sampleFrames();
        float[][] all = encoder.encode(frames);
        for (int i = 0; i < frames.size(); i++) {
            float[][] part = framesIndependent()
                    ? encoder.encode(List.of(frames.get(i)))
                    : encoder.encode(frames.subList(0, i + 1));
            float[] row = part[part.length - 1];
            assertRowsClose(all[i], row, framesIndependent() ? "frame " + i + " alone" : "prefix ending at " + i);
        }
        if (framesIndependent()) {
            List<RgbFrame> reversed = new ArrayList<>(frames);
            java.util.Collections.reverse(reversed);
            float[][] rev = encoder.encode(reversed);
            for (int i = 0; i < frames.size(); i++) {
                assertRowsClose(all[i], rev[frames.size() - 1 - i], "reversed order, frame " + i);
            }
        }
    }

    @Test
    void preparedFramesEncodeTheSame() {
        List<RgbFrame> frames = sampleFrames();
        List<RgbFrame> prepared = new ArrayList<>();
        for (RgbFrame f : frames) {
            RgbFrame p = encoder.prepare(f);
            assertEquals(f.second(), p.second(), "prepare keeps the second");
            prepared.add(p);
        }
        float[][] a = encoder.encode(frames);
        float[][] b = encoder.encode(prepared);
        for (int i = 0; i < a.length; i++) {
            assertRowsClose(a[i], b[i], "prepared frame " + i);
        }
    }

    @Test
    void rejectsNullInputClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(null));
        assertNotNull(e.getMessage());
        List<RgbFrame> withNull = new ArrayList<>(sampleFrames().subList(0, 2));
        withNull.add(null);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> encoder.encode(withNull));
        assertTrue(e2.getMessage().contains("2"), "message names the frame index: " + e2.getMessage());
    }
}
