package org.mgsv.media.render;

/**
 * ITU-R BS.1770-4 integrated loudness (LUFS): K-weighting (high shelf + high pass, coefficients derived for any
 * sample rate as libebur128 does), mean square over 400 ms blocks with 75 % overlap, absolute gate at −70 LUFS
 * and relative gate 10 LU below the absolute-gated loudness. Front channels have weight 1.
 */
public final class Loudness {
    private Loudness() {}

    /** Loudness of silence (or audio shorter than one block). */
    public static final double SILENCE = Double.NEGATIVE_INFINITY;

    /**
     * @param channels planar samples, channels[c][i], all of the same length
     * @return integrated loudness in LUFS, or {@link #SILENCE}
     */
    public static double integrated(float[][] channels, int sampleRate) {
        int n = channels[0].length;
        int block = (int) Math.round(0.4 * sampleRate);
        int step = (int) Math.round(0.1 * sampleRate);
        if (n < block) {
            return SILENCE;
        }
        // per-channel K-weighted squares, accumulated into 100 ms sub-block sums
        int sub = n / step;
        double[] subPower = new double[sub];
        for (float[] x : channels) {
            double[] y = kWeight(x, sampleRate);
            for (int j = 0; j < sub; j++) {
                double s = 0;
                for (int i = j * step; i < (j + 1) * step; i++) {
                    s += y[i] * y[i];
                }
                subPower[j] += s;
            }
        }
        int blocks = sub - 3; // each 400 ms block = 4 consecutive 100 ms sub-blocks
        if (blocks < 1) {
            return SILENCE;
        }
        double[] z = new double[blocks];
        for (int j = 0; j < blocks; j++) {
            z[j] = (subPower[j] + subPower[j + 1] + subPower[j + 2] + subPower[j + 3]) / (4.0 * step);
        }
        double absGate = Math.pow(10, (-70 + 0.691) / 10);
        double sum = 0;
        int cnt = 0;
        for (double v : z) {
            if (v > absGate) {
                sum += v;
                cnt++;
            }
        }
        if (cnt == 0) {
            return SILENCE;
        }
        double relGate = sum / cnt * Math.pow(10, -10 / 10.0);
        sum = 0;
        cnt = 0;
        for (double v : z) {
            if (v > absGate && v > relGate) {
                sum += v;
                cnt++;
            }
        }
        return -0.691 + 10 * Math.log10(sum / cnt);
    }

    /** The K-weighting filter (two biquads) applied to one channel. */
    static double[] kWeight(float[] x, int fs) {
        // stage 1: high shelf (head effects)
        double f0 = 1681.974450955533;
        double g = 3.999843853973347;
        double q = 0.7071752369554196;
        double k = Math.tan(Math.PI * f0 / fs);
        double vh = Math.pow(10, g / 20);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1 + k / q + k * k;
        double[] b1 = {(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0};
        double[] a1 = {1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        // stage 2: high pass (RLB)
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = Math.tan(Math.PI * f0 / fs);
        double d = 1 + k / q + k * k;
        double[] b2 = {1, -2, 1};
        double[] a2 = {1, 2 * (k * k - 1) / d, (1 - k / q + k * k) / d};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        biquad(y, b1, a1);
        biquad(y, b2, a2);
        return y;
    }

    /** One biquad section (direct form I, a[0] = 1) run over {@code y} in place. */
    private static void biquad(double[] y, double[] b, double[] a) {
        double x1 = 0;
        double x2 = 0;
        double y1 = 0;
        double y2 = 0;
        for (int i = 0; i < y.length; i++) {
            double in = y[i];
            double o = b[0] * in + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2;
            x2 = x1;
            x1 = in;
            y2 = y1;
            y1 = o;
            y[i] = o;
        }
    }
}
