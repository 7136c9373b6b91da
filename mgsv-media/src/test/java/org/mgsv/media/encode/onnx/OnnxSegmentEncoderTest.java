package org.mgsv.media.encode.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.mgsv.core.MgsvException;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.encode.SegmentEncoderTestCase;
import org.mgsv.media.testutil.TestNpz;

class OnnxSegmentEncoderTest extends SegmentEncoderTestCase {
    @Override
    protected SegmentEncoder createEncoder() {
        return new OnnxSegmentEncoder(TinyOnnxModels.ast(), null, null, 3, 1);
    }

    @Test
    void matchesTorchOnASyntheticWindow() throws Exception {
        float[] want = TestNpz.read(TinyOnnxModels.resource("onnx/expected.npz")).get("ast_window").data();
        float[] x = new float[FbankWindows.FRAMES * FbankWindows.MEL_BINS];
        for (int t = 0; t < FbankWindows.FRAMES; t++) {
            for (int m = 0; m < FbankWindows.MEL_BINS; m++) {
                x[t * FbankWindows.MEL_BINS + m] = (float) (Math.sin(0.01 * t * (m + 1)) * 0.5 - 0.2);
            }
        }
        float[][] w = new float[FbankWindows.WINDOWS][];
        float[] mask = new float[FbankWindows.WINDOWS];
        w[7] = x;
        mask[7] = 1;
        float[][] got = encoder.encode(new FbankWindows(w, mask, 20));
        double max = 0;
        for (int j = 0; j < 768; j++) {
            max = Math.max(max, Math.abs(got[7][j] - want[j]));
        }
        System.out.printf(Locale.ROOT, "onnx segment encoder vs torch: max |diff| = %.3g%n", max);
        assertTrue(max < 1e-5, "max diff " + max);
    }

    @Test
    void rejectsAFrameModel() {
        MgsvException e = assertThrows(MgsvException.class, () -> new OnnxSegmentEncoder(TinyOnnxModels.clip()));
        assertTrue(e.getMessage().contains("[N, 1024, 128]"), e.getMessage());
    }
}
