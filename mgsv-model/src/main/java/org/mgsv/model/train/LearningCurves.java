package org.mgsv.model.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.mgsv.core.util.AtomicFiles;

/** Learning curves of a run as a PNG: training losses (left) and validation metrics (right) per epoch. */
public final class LearningCurves {
    private LearningCurves() {}

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)
    };

    /**
     * @param epochs  one map per epoch (as in metrics.jsonl, flattened: "train/loss_total", "val/R1", ...)
     * @param losses  keys drawn in the left panel
     * @param metrics keys drawn in the right panel
     */
    public static void write(Path png, List<Map<String, Double>> epochs, List<String> losses, List<String> metrics) {
        int w = 1200;
        int h = 480;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        panel(g, 0, 0, w / 2, h, "training loss (epoch mean)", epochs, losses);
        panel(g, w / 2, 0, w / 2, h, "validation", epochs, metrics);
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
    }

    private static void panel(Graphics2D g, int x0, int y0, int w, int h, String title,
            List<Map<String, Double>> epochs, List<String> keys) {
        int left = x0 + 70;
        int right = x0 + w - 20;
        int top = y0 + 40;
        int bottom = y0 + h - 60;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, y0 + 22);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map<String, Double> e : epochs) {
            for (String k : keys) {
                Double v = e.get(k);
                if (v != null && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double pad = 0.05 * (hi - lo);
        lo -= pad;
        hi += pad;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 5; i++) {
            int y = bottom - (bottom - top) * i / 5;
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3g", lo + (hi - lo) * i / 5), x0 + 5, y + 4);
            g.setColor(new Color(0xdddddd));
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        int n = epochs.size();
        for (int i = 0; i < n; i++) {
            int x = n == 1 ? (left + right) / 2 : left + (right - left) * i / (n - 1);
            if (n <= 20 || i % Math.max(1, n / 10) == 0) {
                g.drawString(String.valueOf(i + 1), x - 3, bottom + 15);
            }
        }
        g.drawString("epoch", (left + right) / 2 - 15, bottom + 30);
        g.setStroke(new BasicStroke(2f));
        int legendX = left;
        for (int k = 0; k < keys.size(); k++) {
            g.setColor(COLORS[k % COLORS.length]);
            List<int[]> pts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Double v = epochs.get(i).get(keys.get(k));
                if (v == null || !Double.isFinite(v)) {
                    continue;
                }
                int x = n == 1 ? (left + right) / 2 : left + (right - left) * i / (n - 1);
                int y = (int) Math.round(bottom - (bottom - top) * (v - lo) / (hi - lo));
                pts.add(new int[] {x, y});
            }
            for (int i = 0; i < pts.size(); i++) {
                g.fillOval(pts.get(i)[0] - 3, pts.get(i)[1] - 3, 6, 6);
                if (i > 0) {
                    g.drawLine(pts.get(i - 1)[0], pts.get(i - 1)[1], pts.get(i)[0], pts.get(i)[1]);
                }
            }
            g.fillRect(legendX, bottom + 40, 12, 4);
            g.setColor(Color.BLACK);
            g.drawString(keys.get(k), legendX + 16, bottom + 46);
            legendX += 16 + g.getFontMetrics().stringWidth(keys.get(k)) + 20;
        }
    }
}
