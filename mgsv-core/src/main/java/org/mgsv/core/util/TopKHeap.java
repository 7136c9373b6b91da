package org.mgsv.core.util;

import java.util.Arrays;
import java.util.List;

/**
 * The k best (score, index) pairs of each of a number of rows, kept in bounded min-heaps on primitive arrays (no
 * boxing while offering): higher scores rank first, and of equal scores the lower index. Used for a shortlist
 * scan (one row) and for the per-query rankings of an evaluation (one row per query). Not thread-safe: one heap
 * per thread, then {@link #addAll}.
 */
public final class TopKHeap {
    private final int k;
    private final float[] s;
    private final int[] u;
    private final int[] size;

    /** {@code rows} heaps of at most {@code k} pairs each. */
    public TopKHeap(int rows, int k) {
        this.k = Math.max(0, k);
        this.s = new float[rows * this.k];
        this.u = new int[rows * this.k];
        this.size = new int[rows];
    }

    /** One heap of at most {@code k} pairs. */
    public TopKHeap(int k) {
        this(1, k);
    }

    /** true when (s1,u1) ranks below (s2,u2). */
    private static boolean worse(float s1, int u1, float s2, int u2) {
        return s1 < s2 || (s1 == s2 && u1 > u2);
    }

    /** The lowest kept score of {@code row}, or -inf while it holds fewer than k pairs. */
    public float threshold(int row) {
        return size[row] < k ? Float.NEGATIVE_INFINITY : s[row * k];
    }

    /** {@link #threshold(int)} of row 0. */
    public float threshold() {
        return threshold(0);
    }

    /** Offers (score, index) to row 0. */
    public void offer(float score, int index) {
        offer(0, score, index);
    }

    /** Offers (score, index) to {@code row}: kept when the row is not full or it ranks above the lowest kept. */
    public void offer(int row, float score, int index) {
        if (k == 0) {
            return;
        }
        int base = row * k;
        int n = size[row];
        if (n < k) {
            int i = n;
            size[row] = n + 1;
            while (i > 0) {
                int parent = (i - 1) / 2;
                if (!worse(score, index, s[base + parent], u[base + parent])) {
                    break;
                }
                s[base + i] = s[base + parent];
                u[base + i] = u[base + parent];
                i = parent;
            }
            s[base + i] = score;
            u[base + i] = index;
            return;
        }
        if (!worse(s[base], u[base], score, index)) {
            return; // not better than the current worst kept
        }
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= k) {
                break;
            }
            int r = l + 1;
            int w = (r < k && worse(s[base + r], u[base + r], s[base + l], u[base + l])) ? r : l;
            if (!worse(s[base + w], u[base + w], score, index)) {
                break;
            }
            s[base + i] = s[base + w];
            u[base + i] = u[base + w];
            i = w;
        }
        s[base + i] = score;
        u[base + i] = index;
    }

    /** Offers every pair of {@code other} (same number of rows) to this heap, row by row. */
    public void addAll(TopKHeap other) {
        for (int row = 0; row < other.size.length; row++) {
            int base = row * other.k;
            for (int i = 0; i < other.size[row]; i++) {
                offer(row, other.s[base + i], other.u[base + i]);
            }
        }
    }

    /** How many pairs {@code row} holds. */
    public int size(int row) {
        return size[row];
    }

    /** The kept indices of {@code row}, best first. */
    public int[] indices(int row) {
        return order(row).stream().mapToInt(i -> u[i]).toArray();
    }

    /** The kept scores of {@code row}, best first (in the order of {@link #indices(int)}). */
    public float[] scores(int row) {
        List<Integer> order = order(row);
        float[] out = new float[order.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s[order.get(i)];
        }
        return out;
    }

    private List<Integer> order(int row) {
        int n = size[row];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = row * k + i;
        }
        // the heap's order (-0 ties with +0), made total for NaN so that the sort's contract holds
        Arrays.sort(order, (x, y) -> {
            int c = Float.compare(canon(s[y]), canon(s[x]));
            return c != 0 ? c : Integer.compare(u[x], u[y]);
        });
        return Arrays.asList(order);
    }

    private static float canon(float v) {
        return v == 0f ? 0f : v;
    }
}
