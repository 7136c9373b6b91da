package org.mgsv.core.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mgsv.core.util.AtomicFiles;

/** Shared drawing utilities: palette, fonts, "nice" axis ticks, atomic PNG writing. Headless. */
final class Draw {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** A colour-blind-friendly categorical palette (Okabe–Ito, blue first). */
    static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)
    };
    static final Color GRID = new Color(0xE3E3E3);
    static final Color AXIS = new Color(0x444444);
    static final Color TEXT = new Color(0x222222);
    static final Color MUTED = new Color(0x777777);
    static final String FONT = Font.SANS_SERIF;

    private Draw() {}

    static BufferedImage canvas(int width, int height) {
        if (width < 50 || height < 50 || width > 20000 || height > 20000) {
            throw new IllegalArgumentException("image size out of range: " + width + "x" + height);
        }
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    static Font font(int style, int size) {
        return new Font(FONT, style, size);
    }

    /** Writes a PNG atomically (temporary sibling + rename). */
    static void writePng(BufferedImage img, Path file) {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** Tick positions covering [lo, hi] with a 1-2-5 step giving about {@code target} ticks. */
    static double[] ticks(double lo, double hi, int target) {
        double step = niceStep((hi - lo) / Math.max(1, target));
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        n = Math.max(1, Math.min(n, 1000));
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = first + i * step;
            if (Math.abs(t[i]) < step * 1e-9) {
                t[i] = 0; // no "-0"
            }
        }
        return t;
    }

    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    /** A tick label with just enough decimals for the step. */
    static String tickLabel(double v, double step) {
        int dec = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        double scaled = step * Math.pow(10, dec);
        if (Math.abs(scaled - Math.rint(scaled)) > 1e-6 && dec < 6) {
            dec++; // 2.5-steps need one more
        }
        return String.format(Locale.ROOT, "%." + Math.min(dec, 6) + "f", v);
    }

    static void centred(Graphics2D g, String s, double cx, double baseline) {
        int w = g.getFontMetrics().stringWidth(s);
        g.drawString(s, (float) (cx - w / 2.0), (float) baseline);
    }
}
