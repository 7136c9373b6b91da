package org.mgsv.search;

import java.util.Random;

/** Random padded feature matrices and their masks, as the towers take them, for the search tests. */
final class RandomFeatures {
    private RandomFeatures() {}

    /** [n][dim]: the first {@code valid} rows standard normal from {@code r}, the rest zeros (padding). */
    static float[][] feats(Random r, int n, int dim, int valid) {
        float[][] f = new float[n][dim];
        for (int i = 0; i < valid; i++) {
            for (int j = 0; j < dim; j++) {
                f[i][j] = (float) r.nextGaussian();
            }
        }
        return f;
    }

    /** A mask of {@code n} whose first {@code valid} entries are 1, the rest 0. */
    static float[] mask(int n, int valid) {
        float[] m = new float[n];
        for (int i = 0; i < valid; i++) {
            m[i] = 1;
        }
        return m;
    }
}
