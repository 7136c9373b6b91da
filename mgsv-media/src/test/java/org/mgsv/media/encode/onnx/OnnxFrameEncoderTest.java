package org.mgsv.media.encode.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.FrameEncoderTestCase;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.testutil.TestImages;
import org.mgsv.media.testutil.TestNpz;

class OnnxFrameEncoderTest extends FrameEncoderTestCase {
    @Override
    protected FrameEncoder createEncoder() {
        return new OnnxFrameEncoder(TinyOnnxModels.clip(), null, null, 4, 1);
    }

    @Nested
    class FixedBatchOfOne extends FrameEncoderTestCase {
        @Override
        protected FrameEncoder createEncoder() {
            return new OnnxFrameEncoder(TinyOnnxModels.clipBatch1(), "pixel_values", "image_embeds", 8, 1);
        }
    }

    /** Java preprocessing + ONNX Runtime against torchvision preprocessing + the same network in PyTorch. */
    @Test
    void matchesTorchOnFixtureImages() throws Exception {
        Map<String, TestNpz.Array> expected = TestNpz.read(TinyOnnxModels.resource("onnx/expected.npz"));
        Path clipDir = TinyOnnxModels.resource("clip/expected.npz").getParent();
        List<RgbFrame> frames = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (var e : expected.entrySet()) {
            if (e.getKey().startsWith("clip_")) {
                frames.add(TestImages.readPng(clipDir.resolve(e.getKey().substring(5) + ".png")));
                want.add(e.getValue().data());
            }
        }
        assertEquals(4, frames.size());
        float[][] got = encoder.encode(frames);
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            for (int j = 0; j < 512; j++) {
                max = Math.max(max, Math.abs(got[i][j] - want.get(i)[j]));
            }
        }
        System.out.printf(Locale.ROOT, "onnx frame encoder vs torch: max |diff| = %.3g%n", max);
        assertTrue(max < 1e-4, "max diff " + max);
    }

    @Test
    void clearErrorsForBadModels(@TempDir Path tmp) throws Exception {
        MgsvException missing = assertThrows(MgsvException.class, () -> new OnnxFrameEncoder(tmp.resolve("nope.onnx")));
        assertTrue(missing.getMessage().contains("nope.onnx"), missing.getMessage());

        Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
        MgsvException bad = assertThrows(MgsvException.class, () -> new OnnxFrameEncoder(junk));
        assertTrue(bad.getMessage().contains("junk.onnx"), bad.getMessage());

        MgsvException shape = assertThrows(MgsvException.class, () -> new OnnxFrameEncoder(TinyOnnxModels.ast()));
        assertTrue(shape.getMessage().contains("[N, 3, 224, 224]"), shape.getMessage());

        MgsvException name = assertThrows(MgsvException.class,
                () -> new OnnxFrameEncoder(TinyOnnxModels.clip(), "image", null, 1, 1));
        assertTrue(name.getMessage().contains("pixel_values"), name.getMessage());
    }

    @Test
    void preparedFrameIsTheClipCrop() {
        RgbFrame p = encoder.prepare(sampleFrames().get(0));
        assertEquals(224, p.width());
        assertEquals(224, p.height());
    }
}
