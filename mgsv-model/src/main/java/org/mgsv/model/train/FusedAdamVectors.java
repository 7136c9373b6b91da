package org.mgsv.model.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD form of {@link FusedAdam}'s per-element update (jdk.incubator.vector), loaded only when the module is in
 * the boot layer. Each lane does the scalar loop's multiplications, additions, square root and divisions in the same
 * order, none fused (a float square root is the correctly rounded one either way), so weights and moments are the
 * scalar ones bit for bit.
 */
final class FusedAdamVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private FusedAdamVectors() {}

    /**
     * Updates the first whole vectors of elements [from, from + len) (as {@link FusedAdam.Update#apply});
     * returns how many elements it did (the rest are the scalar loop's).
     */
    static int update(FusedAdam.Update u, float[] gs, float[] ws, int from, int len) {
        float[] mm = u.m();
        float[] vv = u.v();
        int lanes = S.length();
        int end = len - len % lanes;
        for (int j = 0; j < end; j += lanes) {
            int i = from + j;
            FloatVector g = FloatVector.fromArray(S, gs, j);
            FloatVector mi = FloatVector.fromArray(S, mm, i).mul(u.b1()).add(g.mul(u.c1()));
            FloatVector vi = FloatVector.fromArray(S, vv, i).mul(u.b2()).add(g.mul(g).mul(u.c2()));
            mi.intoArray(mm, i);
            vi.intoArray(vv, i);
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(u.bc2Sqrt()).add(u.e());
            FloatVector w = FloatVector.fromArray(S, ws, j);
            w.sub(mi.div(denom).mul(u.stepSize())).intoArray(ws, j);
        }
        return end;
    }
}
