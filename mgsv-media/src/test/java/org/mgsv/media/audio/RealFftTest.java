package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The real FFT's power spectrum is the direct DFT's, for every size the project uses and around them. */
class RealFftTest {
    @Test
    void powerSpectrumIsTheDirectDft() {
        Random r = new Random(3);
        for (int n = 4; n <= 1024; n <<= 1) {
            RealFft f = new RealFft(n);
            for (int len : new int[] {n, n - 1, n / 2 + 1}) {
                double[] x = new double[n];
                for (int i = 0; i < len; i++) {
                    x[i] = r.nextGaussian();
                }
                double[] p = new double[n / 2 + 1];
                f.powerSpectrum(x, len, p);
                double scale = 0;
                double[] want = new double[n / 2 + 1];
                for (int k = 0; k <= n / 2; k++) {
                    double re = 0, im = 0;
                    for (int i = 0; i < len; i++) {
                        double a = -2 * Math.PI * (double) i * k / n;
                        re += x[i] * Math.cos(a);
                        im += x[i] * Math.sin(a);
                    }
                    want[k] = re * re + im * im;
                    scale = Math.max(scale, want[k]);
                }
                for (int k = 0; k <= n / 2; k++) {
                    assertEquals(want[k], p[k], 1e-10 * scale, "n=" + n + " len=" + len + " bin " + k);
                }
            }
        }
    }

    /** The SIMD butterflies give the scalar ones' every bit (the tests run with jdk.incubator.vector). */
    @Test
    void vectorButterfliesAreTheScalarOnesBitForBit() {
        assertTrue(RealFft.VECTOR_LANES > 0, "the tests run with jdk.incubator.vector, so the SIMD form is tested");
        Random r = new Random(5);
        for (int n = 4; n <= 2048; n <<= 1) {
            RealFft simd = new RealFft(n), scalar = new RealFft(n, false);
            for (int rep = 0; rep < 20; rep++) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = r.nextGaussian() * Math.exp(r.nextGaussian() * 5);
                }
                double[] a = new double[n / 2 + 1], b = new double[n / 2 + 1];
                simd.powerSpectrum(x, n, a);
                scalar.powerSpectrum(x, n, b);
                for (int k = 0; k <= n / 2; k++) {
                    assertEquals(Double.doubleToRawLongBits(b[k]), Double.doubleToRawLongBits(a[k]),
                            "n=" + n + " bin " + k);
                }
            }
        }
    }

    @Test
    void refusesSizesThatAreNotPowersOfTwoAndFramesLongerThanTheSize() {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(12));
        assertThrows(IllegalArgumentException.class, () -> new RealFft(2));
        RealFft f = new RealFft(8);
        assertThrows(IllegalArgumentException.class, () -> f.powerSpectrum(new double[16], 9, new double[5]));
    }
}
