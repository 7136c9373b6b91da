package org.mgsv.core.util;

import java.util.Arrays;
import java.util.List;

/** Order statistics of measured figures (benchmark timings): the median and nearest-rank percentiles. */
public final class Stats {
    private Stats() {}

    /** The median: the middle value, or the mean of the two middle values of an even count; NaN when empty. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** {@link #median(double[])} of a list. */
    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The nearest-rank {@code p}-th percentile (0 &lt; p ≤ 100): the smallest value with at least p % of the values
     * at or below it; NaN when empty.
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
