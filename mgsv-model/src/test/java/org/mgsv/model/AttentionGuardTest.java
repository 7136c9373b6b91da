package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * {@link Attention#mha}'s fully-masked-row guard: a row without a valid key outputs out_proj's bias alone; when every
 * row has one, the guard (skipped then) changes no value and no gradient.
 */
class AttentionGuardTest {
    private static final int D = 8;

    private static float[][] run(float[] maskData, boolean guard) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(2, 5, D));
            NDArray inW = m.randomNormal(new Shape(3 * D, D)).mul(0.3f);
            NDArray inB = m.randomNormal(new Shape(3 * D)).mul(0.1f);
            NDArray outW = m.randomNormal(new Shape(D, D)).mul(0.3f);
            NDArray outB = m.randomNormal(new Shape(D)).mul(0.1f);
            NDArray mask = NativeMemory.owned(m, maskData, new Shape(2, 5));
            x.setRequiresGradient(true);
            inW.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = Attention.mha(x, x, x, inW, inB, outW, outB, 2, Attention.keyBias(mask),
                        guard ? Attention.anyValid(mask) : null, 0f, false, m);
                gc.backward(out.mul(out).sum());
            }
            return new float[][] {out.toFloatArray(), x.getGradient().toFloatArray(), inW.getGradient().toFloatArray(),
                outB.toFloatArray(), out.get(new NDIndex("1")).toFloatArray()};
        }
    }

    @Test
    void rowWithoutValidKeysOutputsTheBias() {
        float[][] r = run(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, true);
        float[] row = r[4];
        for (int i = 0; i < row.length; i++) {
            assertEquals(r[3][i % D], row[i], 0f, "element " + i);
        }
    }

    @Test
    void allValidRowsGuardChangesNothing() {
        float[] mask = {1, 1, 1, 0, 0, 1, 0, 0, 0, 0};
        float[][] guarded = run(mask, true);
        float[][] plain = run(mask, false);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(plain[k], guarded[k], 0f, "output/gradient " + k);
        }
    }
}
