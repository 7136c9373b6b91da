package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LandmarksTest {
    /** The van Herk max filter gives the direct filter's values, at the ends too, with ties and −∞ present. */
    @Test
    void maxFilterIsTheDirectFilter() {
        Random rnd = new Random(3);
        for (int r : new int[] {0, 1, 2, 5, 9}) {
            for (int n : new int[] {1, 2, 3, 10, 11, 12, 257, 1000}) {
                for (int rep = 0; rep < 5; rep++) {
                    float[] in = new float[n];
                    for (int i = 0; i < n; i++) {
                        int kind = rnd.nextInt(10);
                        in[i] = kind == 0 ? Float.NEGATIVE_INFINITY : kind < 3 ? rnd.nextInt(3) : (float) rnd.nextGaussian();
                    }
                    float[] want = new float[n], got = new float[n];
                    Landmarks.maxFilterDirect(in, want, r);
                    Landmarks.maxFilter(in, got, r);
                    assertArrayEquals(want, got, "r = " + r + ", n = " + n);
                }
            }
        }
    }
}
