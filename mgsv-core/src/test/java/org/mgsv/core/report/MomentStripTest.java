package org.mgsv.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.metrics.RunEntry;

class MomentStripTest {
    @TempDir Path tmp;

    @Test
    void barsHaveTheMomentsLengths() throws Exception {
        MomentStrip.Query q = new MomentStrip.Query("video v1 · track m1", 120, 30, 60, 45, 90);
        assertEquals(15.0 / 60.0, q.iou(), 1e-6); // overlap 45..60 over union 30..90
        Path png = tmp.resolve("one.png");
        MomentStrip.write(png, q);
        BufferedImage img = PngAssert.readPng(png);
        int gt = PngAssert.count(img, MomentStrip.GT, 2);
        int pred = PngAssert.count(img, MomentStrip.PRED, 2);
        int track = PngAssert.count(img, MomentStrip.TRACK, 2);
        assertTrue(gt > 1000 && pred > 1000 && track > 1000, gt + " " + pred + " " + track);
        // the legend adds a small swatch of each colour; the bars dominate: pred (45 s) ≈ 1.5 × gt (30 s)
        double ratio = (double) pred / gt;
        assertTrue(ratio > 1.35 && ratio < 1.6, "pred/gt pixel ratio " + ratio);
    }

    @Test
    void stacksQueriesAndClampsOutsideMoments() throws Exception {
        List<MomentStrip.Query> qs = List.of(
                new MomentStrip.Query("a", 200, 10, 40, -5, 35),
                new MomentStrip.Query("b", 90, 50, 70, 60, 130),
                MomentStrip.Query.of(new RunEntry("v3", "m3", List.of(), 5, 5, 5, 5, 60)));
        Path png = tmp.resolve("stack.png");
        MomentStrip.writeStack(png, "Test queries", qs);
        BufferedImage img = PngAssert.readPng(png);
        BufferedImage single = MomentStrip.render(null, qs.subList(0, 1), 1000);
        assertTrue(img.getHeight() > single.getHeight() + 100, "three rows are taller than one");
        assertTrue(PngAssert.count(img, MomentStrip.PRED, 2) > 500);
        assertEquals(0f, qs.get(2).iou());
        assertThrows(IllegalArgumentException.class, () -> MomentStrip.render("x", List.of(), 800));
        assertThrows(IllegalArgumentException.class, () -> new MomentStrip.Query("x", 0, 0, 1, 0, 1));
    }

    @Test
    void timeLabels() {
        assertEquals("1:30", MomentStrip.time(90, 30));
        assertEquals(30.0, MomentStrip.timeStep(24));
    }
}
