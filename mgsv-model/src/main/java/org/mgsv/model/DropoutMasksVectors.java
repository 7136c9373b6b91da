package org.mgsv.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD form of {@link DropoutMasks}' generator (jdk.incubator.vector), loaded only when the module is in the
 * boot layer: the four xorshift128+ generators of a chunk are the four lanes of one 256-bit register, and their
 * outputs, read as eight 32-bit halves (little-endian: lane j's low half is element 2j, its high half 2j + 1), are
 * compared with the threshold together. The same numbers as {@link DropoutMasks#fill}, bit for bit (a test holds
 * them equal).
 */
final class DropoutMasksVectors {
    private static final VectorSpecies<Long> L = LongVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    private DropoutMasksVectors() {}

    /** Whether this CPU's preferred vectors are at least 256 bits wide (else the 256-bit species is emulated). */
    static boolean native256() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    /** As {@link DropoutMasks#fill}. */
    static void fill(long[] st, int threshold, float scale, float[] out, int len) {
        LongVector s0 = LongVector.fromArray(L, st, 0);
        LongVector s1 = LongVector.fromArray(L, st, 4);
        FloatVector keep = FloatVector.broadcast(F, scale);
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < len; i += 8) {
            LongVector x = s0;
            LongVector y = s1;
            s0 = y;
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHL, 23));
            s1 = x.lanewise(VectorOperators.XOR, y)
                    .lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 17))
                    .lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHR, 26));
            IntVector r = s1.add(y).reinterpretAsInts();
            VectorMask<Float> kept = r.compare(VectorOperators.GE, threshold).cast(F);
            zero.blend(keep, kept).intoArray(out, i);
        }
        s0.intoArray(st, 0);
        s1.intoArray(st, 4);
    }
}
