package org.mgsv.model.loss;

import java.util.Arrays;

/**
 * Linear sum assignment (minimum-cost matching of rows to columns) by the shortest-augmenting-path form of the
 * Hungarian / Jonker-Volgenant algorithm, O(n²·m) for an n×m matrix with n ≤ m (transposed otherwise).
 *
 * <p>Semantics follow {@code scipy.optimize.linear_sum_assignment}: every row of the smaller side is assigned,
 * the result lists (row, column) pairs sorted by row. Ties between equally cheap assignments may be broken
 * differently from scipy; the total cost is the same optimum.
 */
public final class Hungarian {
    private Hungarian() {}

    /**
     * Solves the assignment for {@code cost[r][c]} (all rows the same length, finite values).
     *
     * @return {@code int[2][k]}: rows (ascending) and their assigned columns, k = min(rows, cols)
     */
    public static int[][] solve(double[][] cost) {
        int n = cost.length;
        int m = n == 0 ? 0 : cost[0].length;
        if (n == 0 || m == 0) {
            return new int[][] {new int[0], new int[0]};
        }
        for (double[] row : cost) {
            if (row.length != m) {
                throw new IllegalArgumentException("ragged cost matrix");
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("cost matrix has a non-finite value: " + v);
                }
            }
        }
        if (n > m) {
            double[][] t = new double[m][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    t[j][i] = cost[i][j];
                }
            }
            int[][] r = solve(t); // rows of t = columns of cost
            int k = r[0].length;
            Integer[] order = new Integer[k];
            for (int i = 0; i < k; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(r[1][a], r[1][b]));
            int[][] out = new int[2][k];
            for (int i = 0; i < k; i++) {
                out[0][i] = r[1][order[i]];
                out[1][i] = r[0][order[i]];
            }
            return out;
        }
        // potentials u (rows, 1-based), v (cols, 1-based); p[j] = row matched to column j (0 = none)
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1];
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] colOfRow = new int[n];
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                colOfRow[p[j] - 1] = j - 1;
            }
        }
        int[][] out = new int[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = i;
            out[1][i] = colOfRow[i];
        }
        return out;
    }

    /** Total cost of an assignment returned by {@link #solve}. */
    public static double cost(double[][] cost, int[][] assignment) {
        double s = 0;
        for (int k = 0; k < assignment[0].length; k++) {
            s += cost[assignment[0][k]][assignment[1][k]];
        }
        return s;
    }
}
