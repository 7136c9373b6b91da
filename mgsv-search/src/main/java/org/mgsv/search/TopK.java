package org.mgsv.search;

/** Keeps the k largest (score, row) pairs seen; a min-heap on primitives. Ties keep the lower row. */
final class TopK {
    private final int k;
    private final float[] scores;
    private final int[] rows;
    private int n;

    TopK(int k) {
        this.k = Math.max(0, k);
        this.scores = new float[this.k];
        this.rows = new int[this.k];
    }

    /** Smallest kept score, or -inf while not full. */
    float threshold() {
        return n < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    private static boolean less(float sa, int ra, float sb, int rb) {
        return sa < sb || (sa == sb && ra > rb);
    }

    void offer(float s, int row) {
        if (k == 0) {
            return;
        }
        if (n < k) {
            int i = n++;
            scores[i] = s;
            rows[i] = row;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (less(scores[i], rows[i], scores[p], rows[p])) {
                    swap(i, p);
                    i = p;
                } else {
                    break;
                }
            }
        } else if (less(scores[0], rows[0], s, row)) {
            scores[0] = s;
            rows[0] = row;
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int m = i;
                if (l < n && less(scores[l], rows[l], scores[m], rows[m])) {
                    m = l;
                }
                if (r < n && less(scores[r], rows[r], scores[m], rows[m])) {
                    m = r;
                }
                if (m == i) {
                    break;
                }
                swap(i, m);
                i = m;
            }
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int r = rows[a];
        rows[a] = rows[b];
        rows[b] = r;
    }

    void addAll(TopK other) {
        for (int i = 0; i < other.n; i++) {
            offer(other.scores[i], other.rows[i]);
        }
    }

    /** Best first. */
    ShortlistIndex.Hits hits() {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> less(scores[a], rows[a], scores[b], rows[b]) ? 1
                : less(scores[b], rows[b], scores[a], rows[a]) ? -1 : 0);
        int[] r = new int[n];
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = rows[order[i]];
            s[i] = scores[order[i]];
        }
        return new ShortlistIndex.Hits(r, s);
    }
}
