package org.mgsv.media.testutil;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.mgsv.media.encode.RgbFrame;

/** Reads test images as packed RGB frames. */
public final class TestImages {
    private TestImages() {}

    public static RgbFrame readPng(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return new RgbFrame(0, w, h, rgb);
    }
}
