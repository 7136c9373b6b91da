package org.mgsv.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mgsv.core.metrics.MomentIou;
import org.mgsv.core.metrics.RunEntry;

/**
 * Moments on a track timeline, drawn to PNG: for each query the track (0..duration) as a grey bar, the
 * ground-truth moment (green, upper half) and the predicted moment (orange, lower half), with the IoU in the
 * label. A prediction reaching outside the track is drawn clamped, with an arrow at the edge it crosses.
 * Several queries stack into one image on a shared time axis (so track lengths compare).
 */
public final class MomentStrip {
    static final Color TRACK = new Color(0xE6E6E6);
    static final Color GT = new Color(0x009E73);
    static final Color PRED = new Color(0xE69F00);

    /**
     * One query's moments, in seconds.
     *
     * @param label shown above the bar (e.g. "video 123 · track 456"); the IoU is appended
     */
    public record Query(String label, double duration, double gtStart, double gtEnd, double predStart,
                        double predEnd) {
        public Query {
            if (!(duration > 0) || !Double.isFinite(duration)) {
                throw new IllegalArgumentException("track duration must be > 0: " + duration);
            }
            label = label == null ? "" : label;
        }

        /** IoU as the metrics compute it ({@link MomentIou}, reference clamping). */
        public float iou() {
            return MomentIou.iou(gtStart, gtEnd, duration, predStart, predEnd);
        }

        /** A query from a run entry (label: video and track ids). */
        public static Query of(RunEntry e) {
            return new Query("video " + e.videoId() + " · track " + e.musicId(), e.musicDuration(), e.gtStart(),
                    e.gtEnd(), e.predStart(), e.predEnd());
        }
    }

    private static final int ROW_H = 62;
    private static final int BAR_H = 30;
    private static final int MARGIN = 24;

    private MomentStrip() {}

    /** One query in one PNG. */
    public static void write(Path file, Query q) {
        Draw.writePng(render(null, List.of(q), 900), file);
    }

    /** Several queries stacked into one PNG, with an optional title. */
    public static void writeStack(Path file, String title, List<Query> queries) {
        Draw.writePng(render(title, queries, 1000), file);
    }

    /** Renders queries stacked on a shared time axis. */
    public static BufferedImage render(String title, List<Query> queries, int width) {
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("no queries to draw");
        }
        boolean hasTitle = title != null && !title.isEmpty();
        int top = (hasTitle ? 44 : 12) + 26; // title + legend
        int height = top + queries.size() * ROW_H + 40;
        BufferedImage img = Draw.canvas(width, height);
        Graphics2D g = Draw.graphics(img);
        try {
            draw(g, title, queries, width, top);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void draw(Graphics2D g, String title, List<Query> queries, int width, int top) {
        double maxDur = 0;
        for (Query q : queries) {
            maxDur = Math.max(maxDur, q.duration());
        }
        int left = MARGIN;
        int right = width - MARGIN;
        final double scale = (right - left) / maxDur;
        Font titleFont = Draw.font(Font.BOLD, 17);
        Font labelFont = Draw.font(Font.PLAIN, 13);
        Font tickFont = Draw.font(Font.PLAIN, 11);

        if (title != null && !title.isEmpty()) {
            g.setFont(titleFont);
            g.setColor(Draw.TEXT);
            Draw.centred(g, title, width / 2.0, 30);
        }
        // legend
        g.setFont(labelFont);
        FontMetrics fm = g.getFontMetrics();
        int ly = top - 20;
        int lx = left;
        lx = legend(g, lx, ly, GT, "ground truth", fm);
        lx = legend(g, lx + 18, ly, PRED, "prediction", fm);
        g.setColor(Draw.MUTED);
        g.drawString("grey = track", lx + 18, ly + fm.getAscent() - 1);

        // time grid shared by all rows
        double step = timeStep(maxDur / 10);
        double[] ticks = new double[(int) Math.floor(maxDur / step + 1e-9) + 1];
        for (int t = 0; t < ticks.length; t++) {
            ticks[t] = t * step;
        }
        int gridBottom = top + queries.size() * ROW_H;
        g.setStroke(new BasicStroke(1f));
        g.setFont(tickFont);
        for (double t : ticks) {
            int x = (int) Math.round(left + t * scale);
            g.setColor(Draw.GRID);
            g.drawLine(x, top, x, gridBottom);
            g.setColor(Draw.AXIS);
            g.drawLine(x, gridBottom, x, gridBottom + 4);
            Draw.centred(g, time(t, step), x, gridBottom + 6 + g.getFontMetrics().getAscent());
        }
        g.setFont(labelFont);
        Draw.centred(g, "time in track (m:ss)", (left + right) / 2.0, gridBottom + 34);

        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            int rowTop = top + i * ROW_H;
            g.setFont(labelFont);
            g.setColor(Draw.TEXT);
            String label = (q.label().isEmpty() ? "" : q.label() + "   ")
                    + String.format(Locale.ROOT, "IoU %.3f", q.iou());
            g.drawString(label, left, rowTop + fm.getAscent() + 2);
            double barTop = rowTop + 22;
            g.setColor(TRACK);
            g.fill(new Rectangle2D.Double(left, barTop, q.duration() * scale, BAR_H));
            drawSpan(g, left, scale, q.duration(), q.gtStart(), q.gtEnd(), barTop, BAR_H / 2.0, GT);
            drawSpan(g, left, scale, q.duration(), q.predStart(), q.predEnd(), barTop + BAR_H / 2.0, BAR_H / 2.0,
                    PRED);
        }
    }

    private static int legend(Graphics2D g, int x, int y, Color c, String text, FontMetrics fm) {
        g.setColor(c);
        g.fillRect(x, y + 1, 18, fm.getAscent() - 2);
        g.setColor(Draw.TEXT);
        g.drawString(text, x + 24, y + fm.getAscent() - 1);
        return x + 24 + fm.stringWidth(text);
    }

    private static void drawSpan(Graphics2D g, int left, double scale, double duration, double st, double ed,
                                 double y, double h, Color c) {
        if (!Double.isFinite(st) || !Double.isFinite(ed)) {
            return;
        }
        double a = Math.max(0, Math.min(st, ed));
        double b = Math.min(duration, Math.max(st, ed));
        g.setColor(c);
        if (b > a) {
            // at least 2 px so zero-length-ish moments stay visible
            double w = Math.max(2, (b - a) * scale);
            g.fill(new Rectangle2D.Double(left + a * scale, y + 1, w, h - 2));
        } else if (st == ed && st >= 0 && st <= duration) {
            g.fill(new Rectangle2D.Double(left + st * scale - 1, y + 1, 2, h - 2)); // empty moment: a tick
        }
        int mid = (int) Math.round(y + h / 2);
        if (Math.min(st, ed) < 0) {
            int x = left;
            g.fillPolygon(new Polygon(new int[] {x - 10, x - 2, x - 2}, new int[] {mid, mid - 6, mid + 6}, 3));
        }
        if (Math.max(st, ed) > duration) {
            int x = (int) Math.round(left + duration * scale);
            g.fillPolygon(new Polygon(new int[] {x + 10, x + 2, x + 2}, new int[] {mid, mid - 6, mid + 6}, 3));
        }
    }

    /** A tick step in seconds that reads well on a clock: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 min. */
    static double timeStep(double raw) {
        double[] steps = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600};
        if (raw < 1) {
            return Draw.niceStep(raw);
        }
        for (double s : steps) {
            if (s >= raw) {
                return s;
            }
        }
        return Draw.niceStep(raw);
    }

    static String time(double seconds, double step) {
        long s = Math.round(seconds);
        String base = String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        if (step < 1) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        return base;
    }
}
