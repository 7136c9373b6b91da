package org.mgsv.media.encode.builtin;

import java.util.Arrays;
import org.mgsv.media.encode.RgbFrame;

/** The measurements of one analysis-size frame behind {@link BuiltinFrameEncoder}'s descriptor. */
final class FrameAnalysis {
    static final int THUMB = 32;

    final int w;
    final int h;
    final float[] r;
    final float[] g;
    final float[] b;
    final float[] hue; // [0,1)
    final float[] sat;
    final float[] val;
    final float[] gray; // Rec.601 luma, [0,1]
    final float[] thumb; // THUMB×THUMB grey, for motion
    final float[] jointHist; // 8×4×4, sums to 1
    final float meanV;

    FrameAnalysis(RgbFrame f) {
        w = f.width();
        h = f.height();
        int n = w * h;
        r = new float[n];
        g = new float[n];
        b = new float[n];
        hue = new float[n];
        sat = new float[n];
        val = new float[n];
        gray = new float[n];
        byte[] px = f.rgb();
        double sumV = 0;
        for (int i = 0; i < n; i++) {
            float rr = (px[i * 3] & 0xff) / 255f;
            float gg = (px[i * 3 + 1] & 0xff) / 255f;
            float bb = (px[i * 3 + 2] & 0xff) / 255f;
            r[i] = rr;
            g[i] = gg;
            b[i] = bb;
            float max = Math.max(rr, Math.max(gg, bb));
            float min = Math.min(rr, Math.min(gg, bb));
            float d = max - min;
            val[i] = max;
            sat[i] = max > 0 ? d / max : 0;
            float hh = 0;
            if (d > 0) {
                if (max == rr) {
                    hh = ((gg - bb) / d) / 6f;
                } else if (max == gg) {
                    hh = ((bb - rr) / d + 2) / 6f;
                } else {
                    hh = ((rr - gg) / d + 4) / 6f;
                }
                if (hh < 0) {
                    hh += 1;
                }
                if (hh >= 1) {
                    hh -= 1;
                }
            }
            hue[i] = hh;
            gray[i] = 0.299f * rr + 0.587f * gg + 0.114f * bb;
            sumV += max;
        }
        meanV = (float) (sumV / n);
        jointHist = new float[128];
        for (int i = 0; i < n; i++) {
            int hb = Math.min(7, (int) (hue[i] * 8));
            int sb = Math.min(3, (int) (sat[i] * 4));
            int vb = Math.min(3, (int) (val[i] * 4));
            jointHist[(hb * 4 + sb) * 4 + vb] += 1f / n;
        }
        thumb = gridMean(gray, THUMB, THUMB);
    }

    /** Mean of {@code x} over a gx×gy grid of cells; a cell with no pixel centre takes the nearest pixel. */
    float[] gridMean(float[] x, int gx, int gy) {
        double[] sum = new double[gx * gy];
        int[] cnt = new int[gx * gy];
        for (int y = 0; y < h; y++) {
            int cy = (int) ((long) y * gy / h);
            for (int xx = 0; xx < w; xx++) {
                int cx = (int) ((long) xx * gx / w);
                sum[cy * gx + cx] += x[y * w + xx];
                cnt[cy * gx + cx]++;
            }
        }
        float[] out = new float[gx * gy];
        for (int cy = 0; cy < gy; cy++) {
            for (int cx = 0; cx < gx; cx++) {
                int c = cy * gx + cx;
                if (cnt[c] > 0) {
                    out[c] = (float) (sum[c] / cnt[c]);
                } else {
                    int px = Math.min(w - 1, (int) ((cx + 0.5) * w / gx));
                    int py = Math.min(h - 1, (int) ((cy + 0.5) * h / gy));
                    out[c] = x[py * w + px];
                }
            }
        }
        return out;
    }

    /** Standard deviation of {@code x} per cell of a gx×gy grid (0 for cells with fewer than 2 pixels). */
    float[] gridStd(float[] x, int gx, int gy) {
        double[] s1 = new double[gx * gy];
        double[] s2 = new double[gx * gy];
        int[] cnt = new int[gx * gy];
        for (int y = 0; y < h; y++) {
            int cy = (int) ((long) y * gy / h);
            for (int xx = 0; xx < w; xx++) {
                int c = cy * gx + (int) ((long) xx * gx / w);
                double v = x[y * w + xx];
                s1[c] += v;
                s2[c] += v * v;
                cnt[c]++;
            }
        }
        float[] out = new float[gx * gy];
        for (int c = 0; c < out.length; c++) {
            if (cnt[c] > 1) {
                double m = s1[c] / cnt[c];
                out[c] = (float) Math.sqrt(Math.max(0, s2[c] / cnt[c] - m * m));
            }
        }
        return out;
    }

    /** The 512-d descriptor; {@code prev} is the frame one second earlier (null for the first). */
    float[] descriptor(FrameAnalysis prev) {
        float[][] blocks = {
            normalisedSqrt(jointHist),
            hueHistogram(),
            concat(normalisedSqrt(histogram(val, 16)), normalisedSqrt(histogram(sat, 16))),
            colourStats(),
            layout4(),
            centred(gridMean(gray, 8, 8)),
            regionHues(),
            edges(),
            texture(),
            motion(prev),
        };
        float[] out = new float[BuiltinFrameEncoder.DIM];
        int o = 0;
        for (int k = 0; k < blocks.length; k++) {
            float[] blk = blocks[k];
            if (blk.length != BuiltinFrameEncoder.BLOCK_SIZES[k]) {
                throw new IllegalStateException("block " + k + " has " + blk.length + " values");
            }
            boolean histogramBlock = k <= 2 || k == 6;
            // histograms already have unit norm; statistics (values about [-1,1]) are scaled so a block's norm
            // is about its weight, keeping magnitudes such as motion energy
            float scale = BuiltinFrameEncoder.BLOCK_WEIGHTS[k]
                    * (histogramBlock ? 1f : (float) (1.0 / Math.sqrt(blk.length)));
            for (float v : blk) {
                out[o++] = v * scale;
            }
        }
        double norm = 0;
        for (float v : out) {
            norm += (double) v * v;
        }
        if (norm > 0) {
            float s = (float) (Math.sqrt(BuiltinFrameEncoder.DIM) / Math.sqrt(norm));
            for (int i = 0; i < out.length; i++) {
                out[i] *= s;
            }
        }
        return out;
    }

    private float[] hueHistogram() {
        float[] hist = new float[24];
        for (int i = 0; i < hue.length; i++) {
            hist[Math.min(23, (int) (hue[i] * 24))] += sat[i] * val[i];
        }
        return normalisedSqrt(hist);
    }

    private float[] colourStats() {
        float[] s = new float[24];
        float[] vs = val.clone();
        float[] ss = sat.clone();
        Arrays.sort(vs);
        Arrays.sort(ss);
        s[0] = 2 * mean(val) - 1;
        s[1] = 4 * std(val) - 1;
        s[2] = 2 * pct(vs, 0.1) - 1;
        s[3] = 2 * pct(vs, 0.5) - 1;
        s[4] = 2 * pct(vs, 0.9) - 1;
        s[5] = 2 * mean(sat) - 1;
        s[6] = 4 * std(sat) - 1;
        s[7] = 2 * pct(ss, 0.1) - 1;
        s[8] = 2 * pct(ss, 0.5) - 1;
        s[9] = 2 * pct(ss, 0.9) - 1;
        s[10] = 2 * mean(r) - 1;
        s[11] = 2 * mean(g) - 1;
        s[12] = 2 * mean(b) - 1;
        s[13] = 4 * std(r) - 1;
        s[14] = 4 * std(g) - 1;
        s[15] = 4 * std(b) - 1;
        // Hasler & Süsstrunk colourfulness on 0..1 values (about 0..0.6 for natural images)
        int n = r.length;
        float[] rg = new float[n];
        float[] yb = new float[n];
        for (int i = 0; i < n; i++) {
            rg[i] = r[i] - g[i];
            yb[i] = 0.5f * (r[i] + g[i]) - b[i];
        }
        double cf = Math.sqrt(sq(std(rg)) + sq(std(yb))) + 0.3 * Math.sqrt(sq(mean(rg)) + sq(mean(yb)));
        s[16] = (float) (3 * cf - 1);
        s[17] = 4 * std(gray) - 1;
        int dark = 0;
        int bright = 0;
        for (float v : val) {
            dark += v < 0.1f ? 1 : 0;
            bright += v > 0.9f ? 1 : 0;
        }
        s[18] = 2f * dark / n - 1;
        s[19] = 2f * bright / n - 1;
        s[20] = 2 * (mean(r) - mean(b));
        float[] gh = histogram(gray, 32);
        double ent = 0;
        for (float p : gh) {
            if (p > 0) {
                ent -= p * Math.log(p) / Math.log(2);
            }
        }
        s[21] = (float) (ent / 2.5 - 1);
        s[22] = (float) (Math.log1p(laplacianVariance() * 1000) / 4 - 1);
        s[23] = (float) (Math.log((double) w / h) / Math.log(2));
        return s;
    }

    private float[] layout4() {
        float[] mr = gridMean(r, 4, 4);
        float[] mg = gridMean(g, 4, 4);
        float[] mb = gridMean(b, 4, 4);
        float[] sv = gridStd(val, 4, 4);
        float[] out = new float[64];
        for (int c = 0; c < 16; c++) {
            out[c * 4] = 2 * mr[c] - 1;
            out[c * 4 + 1] = 2 * mg[c] - 1;
            out[c * 4 + 2] = 2 * mb[c] - 1;
            out[c * 4 + 3] = 4 * sv[c] - 1;
        }
        return out;
    }

    private float[] regionHues() {
        float[] out = new float[72];
        float[][] cells = new float[9][8];
        for (int y = 0; y < h; y++) {
            int cy = (int) ((long) y * 3 / h);
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int cx = (int) ((long) x * 3 / w);
                cells[cy * 3 + cx][Math.min(7, (int) (hue[i] * 8))] += sat[i] * val[i];
            }
        }
        for (int c = 0; c < 9; c++) {
            float[] hs = normalisedSqrt(cells[c]);
            // cells without colour (greys) stay zero; the block as a whole gets unit norm
            System.arraycopy(hs, 0, out, c * 8, 8);
        }
        return normalise(out);
    }

    private float[] edges() {
        float[] ori = new float[16];
        float[] mag = new float[8];
        float[] grid = new float[32];
        int n = 0;
        int dense = 0;
        int strong = 0;
        double s1 = 0;
        double s2 = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float gx = (px(x + 1, y - 1) + 2 * px(x + 1, y) + px(x + 1, y + 1))
                        - (px(x - 1, y - 1) + 2 * px(x - 1, y) + px(x - 1, y + 1));
                float gy = (px(x - 1, y + 1) + 2 * px(x, y + 1) + px(x + 1, y + 1))
                        - (px(x - 1, y - 1) + 2 * px(x, y - 1) + px(x + 1, y - 1));
                float m = (float) Math.sqrt(gx * gx + gy * gy);
                double a = Math.atan2(gy, gx);
                if (a < 0) {
                    a += Math.PI;
                }
                int ob = Math.min(15, (int) (a / Math.PI * 16));
                ori[ob] += m;
                mag[Math.min(7, (int) (m / 0.25f))] += 1;
                int cell = ((int) ((long) y * 2 / h)) * 2 + (int) ((long) x * 2 / w);
                grid[cell * 8 + ob / 2] += m;
                n++;
                dense += m > 0.1f ? 1 : 0;
                strong += m > 0.5f ? 1 : 0;
                s1 += m;
                s2 += (double) m * m;
            }
        }
        float[] out = new float[60];
        System.arraycopy(normalisedSqrt(ori), 0, out, 0, 16);
        System.arraycopy(normalisedSqrt(mag), 0, out, 16, 8);
        for (int c = 0; c < 4; c++) {
            float[] cellHist = normalisedSqrt(Arrays.copyOfRange(grid, c * 8, c * 8 + 8));
            for (int k = 0; k < 8; k++) {
                out[24 + c * 8 + k] = cellHist[k] * 0.5f;
            }
        }
        double meanM = s1 / n;
        out[56] = 2f * dense / n - 1;
        out[57] = (float) (2 * meanM - 1);
        out[58] = (float) (2 * Math.sqrt(Math.max(0, s2 / n - meanM * meanM)) - 1);
        out[59] = 4f * strong / n - 1;
        return out;
    }

    private float[] texture() {
        // rotation-invariant uniform LBP (riu2): 0..8 ones for uniform patterns, 9 for the rest
        float[] hist = new float[10];
        int[] dx = {-1, 0, 1, 1, 1, 0, -1, -1};
        int[] dy = {-1, -1, -1, 0, 1, 1, 1, 0};
        double lapAbs = 0;
        int flat = 0;
        int n = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float c = gray[y * w + x];
                int ones = 0;
                int transitions = 0;
                boolean first = false;
                boolean last = false;
                for (int k = 0; k < 8; k++) {
                    boolean bit = px(x + dx[k], y + dy[k]) >= c + 1e-3f;
                    if (k == 0) {
                        first = bit;
                    } else if (bit != last) {
                        transitions++;
                    }
                    last = bit;
                    ones += bit ? 1 : 0;
                }
                if (last != first) {
                    transitions++;
                }
                hist[transitions <= 2 ? ones : 9] += 1;
                float lap = Math.abs(px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4 * c);
                lapAbs += lap;
                flat += lap < 0.01f ? 1 : 0;
            }
        }
        float[] out = new float[12];
        System.arraycopy(normalisedSqrt(hist), 0, out, 0, 10);
        out[10] = (float) (4 * lapAbs / n - 1);
        out[11] = 2f * flat / n - 1;
        return out;
    }

    private float[] motion(FrameAnalysis prev) {
        float[] out = new float[32];
        if (prev == null) {
            return out;
        }
        float[] d = new float[THUMB * THUMB];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(thumb[i] - prev.thumb[i]);
        }
        // 4x4 grid of mean differences
        for (int y = 0; y < THUMB; y++) {
            for (int x = 0; x < THUMB; x++) {
                out[(y / 8) * 4 + x / 8] += d[y * THUMB + x] / 64f * 4f;
            }
        }
        float[] edges = {0.02f, 0.05f, 0.1f, 0.2f, 0.3f, 0.5f, 0.7f};
        float[] hist = new float[8];
        double meanDiff = 0;
        for (float v : d) {
            int k = 0;
            while (k < edges.length && v >= edges[k]) {
                k++;
            }
            hist[k] += 1;
            meanDiff += v;
        }
        meanDiff /= d.length;
        System.arraycopy(normalisedSqrt(hist), 0, out, 16, 8);
        double chi2 = 0;
        for (int i = 0; i < jointHist.length; i++) {
            float s = jointHist[i] + prev.jointHist[i];
            if (s > 0) {
                float diff = jointHist[i] - prev.jointHist[i];
                chi2 += diff * diff / s;
            }
        }
        chi2 *= 0.5; // in [0, 1]
        out[24] = (float) (4 * meanDiff);
        out[25] = (float) (2 * chi2);
        out[26] = 2 * (meanV - prev.meanV);
        out[27] = chi2 > 0.4 && meanDiff > 0.12 ? 1 : 0; // cut: palette and pixels both changed a lot
        out[28] = 1; // has a previous frame
        // global shift: best integer translation within ±3 px of the 32×32 thumbnails
        double best = Double.MAX_VALUE;
        int bdx = 0;
        int bdy = 0;
        for (int sy = -3; sy <= 3; sy++) {
            for (int sx = -3; sx <= 3; sx++) {
                double sad = 0;
                int cnt = 0;
                for (int y = Math.max(0, sy); y < THUMB + Math.min(0, sy); y++) {
                    for (int x = Math.max(0, sx); x < THUMB + Math.min(0, sx); x++) {
                        sad += Math.abs(thumb[y * THUMB + x] - prev.thumb[(y - sy) * THUMB + (x - sx)]);
                        cnt++;
                    }
                }
                sad /= cnt;
                // prefer no shift on ties (flat images)
                if (sad < best - 1e-6 || (Math.abs(sad - best) <= 1e-6 && Math.abs(sx) + Math.abs(sy) < Math.abs(bdx) + Math.abs(bdy))) {
                    best = sad;
                    bdx = sx;
                    bdy = sy;
                }
            }
        }
        out[29] = bdx / 3f;
        out[30] = bdy / 3f;
        out[31] = (float) (4 * best);
        return out;
    }

    private float px(int x, int y) {
        int cx = Math.max(0, Math.min(w - 1, x));
        int cy = Math.max(0, Math.min(h - 1, y));
        return gray[cy * w + cx];
    }

    private double laplacianVariance() {
        double s1 = 0;
        double s2 = 0;
        int n = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double lap = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4 * px(x, y);
                s1 += lap;
                s2 += lap * lap;
            }
        }
        double m = s1 / n;
        return Math.max(0, s2 / n - m * m);
    }

    static float[] histogram(float[] x, int bins) {
        float[] hst = new float[bins];
        for (float v : x) {
            hst[Math.max(0, Math.min(bins - 1, (int) (v * bins)))] += 1f / x.length;
        }
        return hst;
    }

    /** sqrt of a histogram normalised to sum 1 (Hellinger embedding, unit L2 norm); zeros stay zeros. */
    static float[] normalisedSqrt(float[] hst) {
        double s = 0;
        for (float v : hst) {
            s += v;
        }
        float[] out = new float[hst.length];
        if (s > 0) {
            for (int i = 0; i < hst.length; i++) {
                out[i] = (float) Math.sqrt(hst[i] / s);
            }
        }
        return out;
    }

    static float[] normalise(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        if (s > 0) {
            float k = (float) (1 / Math.sqrt(s));
            for (int i = 0; i < x.length; i++) {
                x[i] *= k;
            }
        }
        return x;
    }

    static float[] centred(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * x[i] - 1;
        }
        return x;
    }

    static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        for (int i = 0; i < out.length; i++) {
            out[i] *= (float) Math.sqrt(0.5); // two unit-norm histograms → one unit-norm block
        }
        return out;
    }

    static float mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return (float) (s / x.length);
    }

    static float std(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) {
            s += (v - m) * (v - m);
        }
        return (float) Math.sqrt(s / x.length);
    }

    static float pct(float[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
    }

    static double sq(double v) {
        return v * v;
    }
}
