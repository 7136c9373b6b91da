package org.mgsv.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Reads a PNG back and counts pixels. */
final class PngAssert {
    private PngAssert() {}

    static BufferedImage readPng(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(b, 8),
                "PNG signature");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, "decodable PNG");
        return img;
    }

    /** Pixels within {@code tol} per channel of {@code c}. */
    static int count(BufferedImage img, Color c, int tol) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - c.getRed()) <= tol && Math.abs(((p >> 8) & 255) - c.getGreen()) <= tol
                        && Math.abs((p & 255) - c.getBlue()) <= tol) {
                    n++;
                }
            }
        }
        return n;
    }

    static int nonWhite(BufferedImage img) {
        return img.getWidth() * img.getHeight() - count(img, Color.WHITE, 0);
    }
}
