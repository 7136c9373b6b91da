package org.mgsv.media.audio;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD butterflies of {@link RealFft} (jdk.incubator.vector), loaded only when the module is in the boot layer
 * ({@link org.mgsv.core.util.VectorSupport}). Each lane does what the scalar loop does for its element, with the
 * same multiplications, additions and subtractions in the same order (none fused), so the spectrum is bit for bit
 * the scalar one (a test holds them equal).
 */
final class RealFftVectors {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private RealFftVectors() {}

    static int lanes() {
        return S.length();
    }

    /** The butterfly stages of span {@code from}, 2·from, …, size, on halves of at least {@link #lanes()} entries. */
    static void stages(double[] re, double[] im, double[] stageCos, double[] stageSin, int size, int from) {
        int lanes = S.length();
        for (int len = from; len <= size; len <<= 1) {
            int halfLen = len >> 1;
            int tw = halfLen - 1;
            for (int i = 0; i < size; i += len) {
                for (int j = 0; j < halfLen; j += lanes) {
                    DoubleVector c = DoubleVector.fromArray(S, stageCos, tw + j);
                    DoubleVector s = DoubleVector.fromArray(S, stageSin, tw + j);
                    int a = i + j, b = a + halfLen;
                    DoubleVector br = DoubleVector.fromArray(S, re, b);
                    DoubleVector bi = DoubleVector.fromArray(S, im, b);
                    DoubleVector ar = DoubleVector.fromArray(S, re, a);
                    DoubleVector ai = DoubleVector.fromArray(S, im, a);
                    // multiply by e^{-iθ} = c - i s
                    DoubleVector tr = br.mul(c).add(bi.mul(s));
                    DoubleVector ti = bi.mul(c).sub(br.mul(s));
                    ar.sub(tr).intoArray(re, b);
                    ai.sub(ti).intoArray(im, b);
                    ar.add(tr).intoArray(re, a);
                    ai.add(ti).intoArray(im, a);
                }
            }
        }
    }
}
