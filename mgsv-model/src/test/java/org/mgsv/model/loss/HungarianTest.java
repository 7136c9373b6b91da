package org.mgsv.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HungarianTest {

    /** Minimum over all injective maps of the smaller side into the larger, by enumeration. */
    private static double brute(double[][] c) {
        int n = c.length;
        int m = c[0].length;
        if (n > m) {
            double[][] t = new double[m][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    t[j][i] = c[i][j];
                }
            }
            return brute(t);
        }
        return rec(c, 0, new boolean[m]);
    }

    private static double rec(double[][] c, int row, boolean[] used) {
        if (row == c.length) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, c[row][j] + rec(c, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }

    @Test
    void optimalOnRandomMatrices() {
        Random r = new Random(7);
        for (int trial = 0; trial < 600; trial++) {
            int n = 1 + r.nextInt(6);
            int m = 1 + r.nextInt(6);
            double[][] c = new double[n][m];
            for (double[] row : c) {
                for (int j = 0; j < m; j++) {
                    // some trials with small integers to create ties
                    row[j] = trial % 3 == 0 ? r.nextInt(4) : r.nextGaussian() * 10;
                }
            }
            int[][] a = Hungarian.solve(c);
            int k = Math.min(n, m);
            assertEquals(k, a[0].length);
            boolean[] rowsSeen = new boolean[n];
            boolean[] colsSeen = new boolean[m];
            for (int i = 0; i < k; i++) {
                assertTrue(!rowsSeen[a[0][i]] && !colsSeen[a[1][i]], "not a matching");
                rowsSeen[a[0][i]] = true;
                colsSeen[a[1][i]] = true;
                if (i > 0) {
                    assertTrue(a[0][i] > a[0][i - 1], "rows not ascending");
                }
            }
            assertEquals(brute(c), Hungarian.cost(c, a), 1e-9, "trial " + trial);
        }
    }

    @Test
    void matcherPrefersCloseSpansAndSkipsPadding() {
        HungarianMatcher hm = HungarianMatcher.reference();
        float[][][] logits = {{{0f, 0f}, {0f, 0f}, {0f, 0f}}};
        float[][][] spans = {{{0.8f, 0.1f}, {0.2f, 0.1f}, {0.5f, 0.3f}}};
        float[][][] targets = {{{0.21f, 0.1f}, {0f, 0f}, {0.79f, 0.12f}}};
        HungarianMatcher.Match mt = hm.match(logits, spans, targets)[0];
        assertEquals(2, mt.queries().length);
        assertEquals(0, mt.queries()[0]);
        assertEquals(2, mt.targets()[0]);
        assertEquals(1, mt.queries()[1]);
        assertEquals(0, mt.targets()[1]);
    }
}
