package org.mgsv.core.metrics;

/** numpy's float64 pairwise summation ({@code np.add.reduce} on a contiguous array), to match its rounding. */
final class NumpySum {
    private static final int BLOCK = 128;

    private NumpySum() {}

    /** {@code np.mean(a)} for a contiguous float64 array. */
    static double mean(double[] a) {
        return sum(a) / a.length;
    }

    /** {@code np.sum(a)} (checked against numpy 1.24: bit-identical). */
    static double sum(double[] a) {
        return pairwise(a, 0, a.length);
    }

    static double pairwise(double[] a, int off, int n) {
        if (n < 8) {
            double res = -0.0;
            for (int i = 0; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else if (n <= BLOCK) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[off + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[off + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
        }
    }
}
