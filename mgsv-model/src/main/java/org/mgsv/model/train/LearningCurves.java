package org.mgsv.model.train;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.mgsv.core.report.LineChart;
import org.mgsv.core.util.AtomicFiles;

/** Learning curves of a run as one PNG: mean training losses (left) and validation metrics (right) per epoch. */
public final class LearningCurves {
    private LearningCurves() {}

    static final String[][] LOSSES = {{"train/loss_total", "total"}, {"train/loss_retrieval", "retrieval"},
        {"train/loss_localization", "localization"}};
    static final String[][] METRICS = {{"val/R1", "R1 (%)"}, {"val/R10", "R10 (%)"}, {"val/mIoU", "mIoU (×100)"},
        {"val/R1_iou0.5", "MoR1@0.5 (%)"}, {"val/R1_iou0.7", "MoR1@0.7 (%)"}};

    /** @param epochs one map per epoch with keys "train/&lt;loss&gt;" and "val/&lt;metric&gt;" */
    public static void write(Path png, List<Map<String, Double>> epochs) {
        int n = epochs.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        LineChart left = new LineChart("Training loss (epoch mean)").xLabel("epoch").yLabel("loss").size(640, 420);
        for (String[] k : LOSSES) {
            left.series(k[1], x, column(epochs, k[0], 1));
        }
        LineChart right = new LineChart("Validation").xLabel("epoch").yLabel("metric").size(640, 420);
        for (String[] k : METRICS) {
            right.series(k[1], x, column(epochs, k[0], k[0].equals("val/mIoU") ? 100 : 1));
        }
        BufferedImage a = left.render();
        BufferedImage b = right.render();
        BufferedImage img = new BufferedImage(a.getWidth() + b.getWidth(), Math.max(a.getHeight(), b.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.drawImage(a, 0, 0, null);
            g.drawImage(b, a.getWidth(), 0, null);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
    }

    private static double[] column(List<Map<String, Double>> epochs, String key, double scale) {
        double[] y = new double[epochs.size()];
        for (int i = 0; i < y.length; i++) {
            Double v = epochs.get(i).get(key);
            y[i] = v == null ? Double.NaN : v * scale;
        }
        return y;
    }
}
