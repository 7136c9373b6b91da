package org.mgsv.media.encode;

/**
 * One decoded video frame, packed RGB (3 bytes per pixel, row-major, no padding).
 *
 * @param second the second of the video this frame stands for (frame i = second i)
 */
public record RgbFrame(int second, int width, int height, byte[] rgb) {
    public RgbFrame {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, expected " + width * height * 3);
        }
    }
}
