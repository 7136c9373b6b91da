package org.mgsv.media.audio;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel of {@link Resampler}'s polyphase form (jdk.incubator.vector). Loaded only when the module is in
 * the boot layer (the launcher adds it; a JVM without it, such as a plain Spark executor, keeps the direct form),
 * so nothing else refers to the incubator classes.
 */
final class ResamplerVectors {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private ResamplerVectors() {}

    /**
     * {@code acc[i] = Σ_k taps[k] · streams[offs[k] + i]} for i in [0, b), summed over k in ascending order from
     * zero, as the direct form sums each output; four vectors of outputs are kept in registers across the taps.
     */
    static void phase(double[] streams, int[] offs, double[] taps, int nTaps, double[] acc, int b) {
        int lanes = S.length();
        int i = 0;
        for (; i + 4 * lanes <= b; i += 4 * lanes) {
            DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < nTaps; k++) {
                DoubleVector t = DoubleVector.broadcast(S, taps[k]);
                int o = offs[k] + i;
                a0 = DoubleVector.fromArray(S, streams, o).fma(t, a0);
                a1 = DoubleVector.fromArray(S, streams, o + lanes).fma(t, a1);
                a2 = DoubleVector.fromArray(S, streams, o + 2 * lanes).fma(t, a2);
                a3 = DoubleVector.fromArray(S, streams, o + 3 * lanes).fma(t, a3);
            }
            a0.intoArray(acc, i);
            a1.intoArray(acc, i + lanes);
            a2.intoArray(acc, i + 2 * lanes);
            a3.intoArray(acc, i + 3 * lanes);
        }
        for (; i + lanes <= b; i += lanes) {
            DoubleVector a = DoubleVector.zero(S);
            for (int k = 0; k < nTaps; k++) {
                a = DoubleVector.fromArray(S, streams, offs[k] + i).fma(DoubleVector.broadcast(S, taps[k]), a);
            }
            a.intoArray(acc, i);
        }
        for (; i < b; i++) {
            double a = 0;
            for (int k = 0; k < nTaps; k++) {
                a = Math.fma(streams[offs[k] + i], taps[k], a);
            }
            acc[i] = a;
        }
    }
}
