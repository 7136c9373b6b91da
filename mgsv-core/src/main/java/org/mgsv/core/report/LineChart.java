package org.mgsv.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart of several named series over a common x axis, drawn to PNG (headless java.awt): title, axes
 * with 1-2-5 ticks and grid, axis labels, legend. Used for learning curves (losses and validation metrics per
 * epoch). Non-finite y values leave a gap in their series.
 *
 * <pre>{@code
 * new LineChart("Training losses").xLabel("epoch").yLabel("loss")
 *         .series("total", epochs, total).series("span L1", epochs, l1)
 *         .writePng(dir.resolve("losses.png"));
 * }</pre>
 */
public final class LineChart {
    private record Series(String name, double[] x, double[] y) {}

    private final String title;
    private final List<Series> series = new ArrayList<>();
    private String xLabel = "";
    private String yLabel = "";
    private int width = 900;
    private int height = 520;
    private Double yMin;
    private Double yMax;

    public LineChart(String title) {
        this.title = title == null ? "" : title;
    }

    public LineChart xLabel(String label) {
        this.xLabel = label == null ? "" : label;
        return this;
    }

    public LineChart yLabel(String label) {
        this.yLabel = label == null ? "" : label;
        return this;
    }

    /** Image size in pixels (default 900 × 520). */
    public LineChart size(int w, int h) {
        this.width = w;
        this.height = h;
        return this;
    }

    /** Fixes the y range (e.g. 0..100 for percentages) instead of fitting it to the data. */
    public LineChart yRange(double min, double max) {
        if (!(max > min)) {
            throw new IllegalArgumentException("empty y range " + min + ".." + max);
        }
        this.yMin = min;
        this.yMax = max;
        return this;
    }

    /** Adds a series; {@code x} and {@code y} have equal length, NaN in y leaves a gap. */
    public LineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length
                    + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** Adds a series over x = 1, 2, ..., n (e.g. epochs). */
    public LineChart series(String name, double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        return series(name, x, y);
    }

    /** Adds a series from boxed values (null = gap) over x = 1..n. */
    public LineChart series(String name, List<? extends Number> y) {
        double[] v = new double[y.size()];
        for (int i = 0; i < v.length; i++) {
            Number n = y.get(i);
            v[i] = n == null ? Double.NaN : n.doubleValue();
        }
        return series(name, v);
    }

    public void writePng(Path file) {
        Draw.writePng(render(), file);
    }

    public BufferedImage render() {
        BufferedImage img = Draw.canvas(width, height);
        Graphics2D g = Draw.graphics(img);
        try {
            draw(g);
        } finally {
            g.dispose();
        }
        return img;
    }

    private void draw(Graphics2D g) {
        Font titleFont = Draw.font(Font.BOLD, 17);
        Font labelFont = Draw.font(Font.PLAIN, 13);
        Font tickFont = Draw.font(Font.PLAIN, 12);

        // data ranges
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                    x0 = Math.min(x0, s.x[i]);
                    x1 = Math.max(x1, s.x[i]);
                    y0 = Math.min(y0, s.y[i]);
                    y1 = Math.max(y1, s.y[i]);
                }
            }
        }
        boolean empty = x0 > x1;
        if (empty) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        if (x0 == x1) {
            x0 -= 1;
            x1 += 1;
        }
        if (yMin != null) {
            y0 = yMin;
            y1 = yMax;
        } else {
            if (y0 == y1) {
                double d = y0 == 0 ? 1 : Math.abs(y0) * 0.1;
                y0 -= d;
                y1 += d;
            }
            double pad = (y1 - y0) * 0.05;
            y0 -= pad;
            y1 += pad;
        }
        double[] xt = Draw.ticks(x0, x1, 8);
        double[] yt = Draw.ticks(y0, y1, 6);
        double xStep = xt.length > 1 ? xt[1] - xt[0] : Draw.niceStep((x1 - x0) / 8);
        double yStep = yt.length > 1 ? yt[1] - yt[0] : Draw.niceStep((y1 - y0) / 6);

        // layout
        g.setFont(tickFont);
        FontMetrics tfm = g.getFontMetrics();
        int yTickW = 0;
        for (double t : yt) {
            yTickW = Math.max(yTickW, tfm.stringWidth(Draw.tickLabel(t, yStep)));
        }
        g.setFont(labelFont);
        FontMetrics lfm = g.getFontMetrics();
        int legendW = 0;
        for (Series s : series) {
            legendW = Math.max(legendW, lfm.stringWidth(s.name));
        }
        legendW = series.isEmpty() ? 0 : legendW + 44;
        int left = 18 + (yLabel.isEmpty() ? 0 : lfm.getHeight() + 6) + yTickW + 8;
        int right = width - 20 - legendW;
        int top = title.isEmpty() ? 20 : 50;
        int bottom = height - (xLabel.isEmpty() ? 34 : 58);
        if (right - left < 40 || bottom - top < 40) {
            throw new IllegalArgumentException("chart too small for its labels: " + width + "x" + height);
        }
        final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator px = v -> left + (v - fx0) / (fx1 - fx0) * (right - left);
        java.util.function.DoubleUnaryOperator py = v -> bottom - (v - fy0) / (fy1 - fy0) * (bottom - top);

        // title
        g.setColor(Draw.TEXT);
        g.setFont(titleFont);
        Draw.centred(g, title, (left + right) / 2.0, 32);

        // grid and ticks
        g.setFont(tickFont);
        g.setStroke(new BasicStroke(1f));
        for (double t : yt) {
            int y = (int) Math.round(py.applyAsDouble(t));
            if (y < top - 1 || y > bottom + 1) {
                continue;
            }
            g.setColor(Draw.GRID);
            g.drawLine(left, y, right, y);
            g.setColor(Draw.AXIS);
            String s = Draw.tickLabel(t, yStep);
            g.drawString(s, left - 8 - tfm.stringWidth(s), y + tfm.getAscent() / 2 - 1);
        }
        for (double t : xt) {
            int x = (int) Math.round(px.applyAsDouble(t));
            if (x < left - 1 || x > right + 1) {
                continue;
            }
            g.setColor(Draw.GRID);
            g.drawLine(x, top, x, bottom);
            g.setColor(Draw.AXIS);
            g.drawLine(x, bottom, x, bottom + 5);
            Draw.centred(g, Draw.tickLabel(t, xStep), x, bottom + 7 + tfm.getAscent());
        }
        g.setColor(Draw.AXIS);
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);

        // axis labels
        g.setFont(labelFont);
        g.setColor(Draw.TEXT);
        if (!xLabel.isEmpty()) {
            Draw.centred(g, xLabel, (left + right) / 2.0, height - 16);
        }
        if (!yLabel.isEmpty()) {
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            Draw.centred(g, yLabel, -(top + bottom) / 2.0, 18 + lfm.getAscent());
            g.setTransform(saved);
        }
        if (empty) {
            g.setColor(Draw.MUTED);
            Draw.centred(g, "no data", (left + right) / 2.0, (top + bottom) / 2.0);
        }

        // series
        java.awt.Shape clip = g.getClip();
        g.clipRect(left - 4, top - 4, right - left + 8, bottom - top + 8);
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            Color c = Draw.PALETTE[si % Draw.PALETTE.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            int finite = 0;
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.x[i]) || !Double.isFinite(s.y[i])) {
                    pen = false;
                    continue;
                }
                finite++;
                double X = px.applyAsDouble(s.x[i]);
                double Y = py.applyAsDouble(s.y[i]);
                if (pen) {
                    path.lineTo(X, Y);
                } else {
                    path.moveTo(X, Y);
                    pen = true;
                }
            }
            g.draw(path);
            if (finite <= 60) {
                for (int i = 0; i < s.x.length; i++) {
                    if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                        double X = px.applyAsDouble(s.x[i]);
                        double Y = py.applyAsDouble(s.y[i]);
                        g.fill(new Ellipse2D.Double(X - 3.5, Y - 3.5, 7, 7));
                    }
                }
            }
        }
        g.setClip(clip);

        // legend (right of the plot)
        g.setFont(labelFont);
        int ly = top + 6;
        for (int si = 0; si < series.size(); si++) {
            Color c = Draw.PALETTE[si % Draw.PALETTE.length];
            int lx = right + 16;
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(lx, ly + lfm.getAscent() / 2, lx + 20, ly + lfm.getAscent() / 2);
            g.fill(new Ellipse2D.Double(lx + 6.5, ly + lfm.getAscent() / 2.0 - 3.5, 7, 7));
            g.setColor(Draw.TEXT);
            g.drawString(series.get(si).name, lx + 26, ly + lfm.getAscent() - 1);
            ly += lfm.getHeight() + 6;
        }
    }
}
