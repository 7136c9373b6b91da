package org.mgsv.media.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.testutil.TestImages;
import org.mgsv.media.testutil.TestNpz;

/**
 * CLIP preprocessing against tensors computed by torchvision 0.14 / PIL 9.4 (the reference's transform) on the
 * same PNG images. Committed fixture: src/test/resources/clip (made by src/test/python/make_clip_fixture.py).
 */
class ClipPreprocessParityTest {
    static final double TOL = 1e-4;

    static RgbFrame readPng(Path png) throws IOException {
        return TestImages.readPng(png);
    }

    static double compareDir(Path dir) throws IOException {
        Map<String, TestNpz.Array> expected = TestNpz.read(dir.resolve("expected.npz"));
        assertTrue(expected.size() >= 1, "fixture has no images");
        double worst = 0;
        for (Map.Entry<String, TestNpz.Array> e : expected.entrySet()) {
            RgbFrame f = readPng(dir.resolve(e.getKey() + ".png"));
            assertArrayEquals(new int[] {3, 224, 224}, e.getValue().shape());
            float[] got = ClipPreprocess.preprocess(f);
            float[] want = e.getValue().data();
            assertEquals(want.length, got.length);
            double max = 0;
            for (int i = 0; i < got.length; i++) {
                max = Math.max(max, Math.abs(got[i] - want[i]));
            }
            System.out.printf(Locale.ROOT, "clip preprocess %s (%dx%d): max |diff| = %.3g%n",
                    e.getKey(), f.width(), f.height(), max);
            assertTrue(max <= TOL, e.getKey() + ": max diff " + max);
            worst = Math.max(worst, max);
        }
        return worst;
    }

    @Test
    void matchesCommittedTorchvisionFixture() throws Exception {
        Path dir = Path.of(getClass().getResource("/clip/expected.npz").toURI()).getParent();
        compareDir(dir);
    }

    /** Extra sizes (large downscales, portrait, odd crops) computed live when Debian's torchvision is here. */
    @Test
    void matchesLiveTorchvisionOnMoreSizes(@TempDir Path tmp) throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Path script = Path.of("src/test/python/make_clip_fixture.py");
        Assumptions.assumeTrue(Files.isExecutable(py) && Files.isRegularFile(script), "no /usr/bin/python3");
        List<String> cmd = new ArrayList<>(List.of(py.toString(), script.toString(), "--live", tmp.toString(),
                "1920x1080", "1080x1920", "640x480", "225x224", "97x61", "1000x999"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        Assumptions.assumeTrue(p.exitValue() == 0, "torchvision not usable: " + log);
        compareDir(tmp);
    }

    @Test
    void sizesAndCropOffsetsFollowTorchvision() {
        assertArrayEquals(new int[] {298, 224}, ClipPreprocess.resizedSize(320, 240));
        assertArrayEquals(new int[] {224, 497}, ClipPreprocess.resizedSize(180, 400));
        assertArrayEquals(new int[] {224, 224}, ClipPreprocess.resizedSize(500, 500));
        // (497 - 224) / 2 = 136.5 rounds to even: 136; 75/2 = 37.5 → 38
        assertEquals(136, ClipPreprocess.cropOffset(497));
        assertEquals(38, ClipPreprocess.cropOffset(299));
    }
}
