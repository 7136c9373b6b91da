package org.mgsv.model.loss;

/**
 * Matches predicted moments (queries) to ground-truth moments per batch element, as the reference's DETR
 * matcher does: cost = 10·L1(span) − 1·gIoU(span) − 4·p(foreground), solved by {@link Hungarian}.
 * Spans are (center, width) normalised; a target whose width is 0 is padding and is not matched.
 */
public final class HungarianMatcher {
    private final double costSpan;
    private final double costGiou;
    private final double costClass;
    private final int foregroundLabel;

    public HungarianMatcher(double costSpan, double costGiou, double costClass, int foregroundLabel) {
        this.costSpan = costSpan;
        this.costGiou = costGiou;
        this.costClass = costClass;
        this.foregroundLabel = foregroundLabel;
    }

    /** The reference's weights: span 10, gIoU 1, class 4, foreground = class 0. */
    public static HungarianMatcher reference() {
        return new HungarianMatcher(10, 1, 4, 0);
    }

    /** One batch element's matching: query indices (ascending) and the target index each is matched to. */
    public record Match(int[] queries, int[] targets) {}

    /**
     * @param logits  [B][Q][C] class logits
     * @param spans   [B][Q][2] predicted (center, width)
     * @param targets [B][T][2] target (center, width); width 0 = padding
     */
    public Match[] match(float[][][] logits, float[][][] spans, float[][][] targets) {
        int b = logits.length;
        Match[] out = new Match[b];
        for (int i = 0; i < b; i++) {
            int q = spans[i].length;
            int nt = 0;
            for (float[] t : targets[i]) {
                if (t[1] != 0f) {
                    nt++;
                }
            }
            int[] tIdx = new int[nt];
            for (int t = 0, k = 0; t < targets[i].length; t++) {
                if (targets[i][t][1] != 0f) {
                    tIdx[k++] = t;
                }
            }
            double[][] c = new double[q][nt];
            for (int a = 0; a < q; a++) {
                double pFg = softmax(logits[i][a])[foregroundLabel];
                double ps = spans[i][a][0] - 0.5 * spans[i][a][1];
                double pe = spans[i][a][0] + 0.5 * spans[i][a][1];
                for (int k = 0; k < nt; k++) {
                    float[] t = targets[i][tIdx[k]];
                    double l1 = Math.abs(spans[i][a][0] - t[0]) + Math.abs(spans[i][a][1] - t[1]);
                    double ts = t[0] - 0.5 * t[1];
                    double te = t[0] + 0.5 * t[1];
                    c[a][k] = costSpan * l1 - costGiou * giou(ps, pe, ts, te) - costClass * pFg;
                }
            }
            int[][] r = Hungarian.solve(c);
            int[] tq = new int[r[1].length];
            for (int k = 0; k < tq.length; k++) {
                tq[k] = tIdx[r[1][k]];
            }
            out[i] = new Match(r[0], tq);
        }
        return out;
    }

    static double[] softmax(float[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            m = Math.max(m, v);
        }
        double[] e = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - m);
            s += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= s;
        }
        return e;
    }

    /** 1-D generalised IoU of [s1,e1] and [s2,e2] (no clamping of the spans themselves). */
    public static double giou(double s1, double e1, double s2, double e2) {
        double inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
        double union = (e1 - s1) + (e2 - s2) - inter;
        double enclosing = Math.max(0, Math.max(e1, e2) - Math.min(s1, s2));
        return inter / union - (enclosing - union) / enclosing;
    }
}
