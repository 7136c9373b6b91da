package org.mgsv.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
    @TempDir Path tmp;

    @Test
    void drawsSeriesInTheirColours() throws Exception {
        double[] loss = new double[30];
        double[] val = new double[30];
        for (int i = 0; i < 30; i++) {
            loss[i] = 3 * Math.exp(-i / 8.0) + 0.2;
            val[i] = i == 12 ? Double.NaN : 1 - Math.exp(-i / 10.0); // gap at epoch 13
        }
        Path png = tmp.resolve("curves/losses.png");
        new LineChart("Learning curves").xLabel("epoch").yLabel("value").series("train loss", loss)
                .series("val R1", Arrays.stream(val).boxed().toList()).writePng(png);
        BufferedImage img = PngAssert.readPng(png);
        assertEquals(900, img.getWidth());
        assertEquals(520, img.getHeight());
        int first = PngAssert.count(img, Draw.PALETTE[0], 8);
        int second = PngAssert.count(img, Draw.PALETTE[1], 8);
        assertTrue(first > 500, "first series drawn: " + first);
        assertTrue(second > 500, "second series drawn: " + second);
        assertTrue(PngAssert.nonWhite(img) < img.getWidth() * img.getHeight() / 3, "mostly background");
    }

    @Test
    void fixedRangeEmptyAndDegenerateChartsRender() {
        BufferedImage a = new LineChart("empty").render();
        assertTrue(PngAssert.nonWhite(a) > 100, "axes drawn");
        BufferedImage b = new LineChart("one point").series("x", new double[] {5}).yRange(0, 100).size(400, 300)
                .render();
        assertTrue(PngAssert.count(b, Draw.PALETTE[0], 8) > 10, "single point drawn as a marker");
        BufferedImage c = new LineChart("flat").series("x", new double[] {2, 2, 2}).render();
        assertTrue(PngAssert.count(c, Draw.PALETTE[0], 8) > 100);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> new LineChart("t").series("x", new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t").yRange(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t").size(10, 10).render());
    }

    @Test
    void niceTicks() {
        double[] t = Draw.ticks(0, 1, 5);
        assertEquals(0.0, t[0]);
        assertEquals(1.0, t[t.length - 1], 1e-12);
        assertEquals("0.25", Draw.tickLabel(0.25, 0.25));
        assertEquals("20", Draw.tickLabel(20, 5));
        assertEquals("0.05", Draw.tickLabel(0.05, 0.05));
    }
}
