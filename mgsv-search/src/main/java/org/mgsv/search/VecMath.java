package org.mgsv.search;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small dense vector operations (SIMD where it matters). */
public final class VecMath {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private VecMath() {}

    public static float dot(float[] a, float[] b) {
        return dot(a, 0, b, 0, a.length);
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int j = 0;
        FloatVector acc = FloatVector.zero(FS);
        for (int bound = FS.loopBound(n); j < bound; j += FS.length()) {
            acc = FloatVector.fromArray(FS, a, ao + j).fma(FloatVector.fromArray(FS, b, bo + j), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += a[ao + j] * b[bo + j];
        }
        return s;
    }

    /** y = W x + b, W row-major [out][in] flattened. */
    public static float[] matVec(float[] w, int out, int in, float[] x, float[] bias) {
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            y[o] = dot(w, o * in, x, 0, in) + (bias == null ? 0f : bias[o]);
        }
        return y;
    }

    public static float norm(float[] a) {
        return (float) Math.sqrt(dot(a, a));
    }

    public static float[] normalize(float[] a) {
        float n = norm(a);
        float[] o = new float[a.length];
        if (n > 0) {
            for (int i = 0; i < a.length; i++) {
                o[i] = a[i] / n;
            }
        }
        return o;
    }

    public static float cosine(float[] a, float[] b) {
        float na = norm(a);
        float nb = norm(b);
        return na == 0 || nb == 0 ? 0f : dot(a, b) / (na * nb);
    }

    /** Masked mean of rows, L2-normalised. */
    public static float[] pooled(float[][] tokens, float[] mask) {
        int d = tokens.length == 0 ? 0 : tokens[0].length;
        float[] s = new float[d];
        for (int i = 0; i < tokens.length; i++) {
            if (mask[i] != 0) {
                for (int j = 0; j < d; j++) {
                    s[j] += tokens[i][j] * mask[i];
                }
            }
        }
        return normalize(s);
    }
}
