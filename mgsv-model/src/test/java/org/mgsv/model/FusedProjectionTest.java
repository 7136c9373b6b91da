package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * {@link Attention#mha} with the same array as query, key and value (one stacked q;k;v product) or as query and key
 * (one q;k product) equals the plain three-product computation on distinct copies, outputs and gradients alike.
 */
class FusedProjectionTest {
    private static final int D = 16;
    private static final int HEADS = 4;

    private record Run(float[] out, float[] gradIn, float[] gradW, float[] gradB, float[] gradV) {}

    /** shared = 0: q, k, v distinct copies; 1: q == k; 2: q == k == v. */
    private static Run run(int shared) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(3, 7, D));
            NDArray other = m.randomNormal(new Shape(3, 7, D));
            NDArray inW = m.randomNormal(new Shape(3 * D, D)).mul(0.3f);
            NDArray inB = m.randomNormal(new Shape(3 * D)).mul(0.1f);
            NDArray outW = m.randomNormal(new Shape(D, D)).mul(0.3f);
            NDArray outB = m.randomNormal(new Shape(D)).mul(0.1f);
            float[] maskData = new float[3 * 7];
            for (int i = 0; i < maskData.length; i++) {
                maskData[i] = (i % 7) < 2 + i / 7 * 2 ? 1f : 0f;
            }
            NDArray mask = NativeMemory.owned(m, maskData, new Shape(3, 7));
            for (NDArray a : new NDArray[] {x, other, inW, inB}) {
                a.setRequiresGradient(true);
            }
            NDArray out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray q = x.mul(1f);
                NDArray k = shared >= 1 ? q : x.mul(1f);
                NDArray v = shared == 2 ? q : other.mul(1f);
                out = Attention.mha(q, k, v, inW, inB, outW, outB, HEADS, Attention.keyBias(mask),
                        Attention.anyValid(mask), 0f, false, m);
                gc.backward(out.mul(out).sum());
            }
            return new Run(out.toFloatArray(), x.getGradient().toFloatArray(), inW.getGradient().toFloatArray(),
                    inB.getGradient().toFloatArray(), other.getGradient().toFloatArray());
        }
    }

    private static void close(float[] a, float[] b, String what) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertTrue(worst < 1e-4, what + ": max difference " + worst);
    }

    @Test
    void queryKeyValueFusedEqualsPlain() {
        // plain reference with v = x as well: v distinct copy of x is computed through `other` otherwise, so
        // compare the fused q == k == v path against q, k, v three distinct copies of x
        Run fused = run(2);
        Run plain = runThreeCopies();
        close(plain.out(), fused.out(), "output");
        close(plain.gradIn(), fused.gradIn(), "input gradient");
        close(plain.gradW(), fused.gradW(), "in_proj_weight gradient");
        close(plain.gradB(), fused.gradB(), "in_proj_bias gradient");
    }

    @Test
    void queryKeyFusedEqualsPlain() {
        Run fused = run(1);
        Run plain = run(0);
        close(plain.out(), fused.out(), "output");
        close(plain.gradIn(), fused.gradIn(), "input gradient");
        close(plain.gradW(), fused.gradW(), "in_proj_weight gradient");
        close(plain.gradB(), fused.gradB(), "in_proj_bias gradient");
        close(plain.gradV(), fused.gradV(), "value input gradient");
    }

    private static Run runThreeCopies() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(3, 7, D));
            m.randomNormal(new Shape(3, 7, D)); // same draws as run()
            NDArray inW = m.randomNormal(new Shape(3 * D, D)).mul(0.3f);
            NDArray inB = m.randomNormal(new Shape(3 * D)).mul(0.1f);
            NDArray outW = m.randomNormal(new Shape(D, D)).mul(0.3f);
            NDArray outB = m.randomNormal(new Shape(D)).mul(0.1f);
            float[] maskData = new float[3 * 7];
            for (int i = 0; i < maskData.length; i++) {
                maskData[i] = (i % 7) < 2 + i / 7 * 2 ? 1f : 0f;
            }
            NDArray mask = NativeMemory.owned(m, maskData, new Shape(3, 7));
            for (NDArray a : new NDArray[] {x, inW, inB}) {
                a.setRequiresGradient(true);
            }
            NDArray out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = Attention.mha(x.mul(1f), x.mul(1f), x.mul(1f), inW, inB, outW, outB, HEADS,
                        Attention.keyBias(mask), Attention.anyValid(mask), 0f, false, m);
                gc.backward(out.mul(out).sum());
            }
            return new Run(out.toFloatArray(), x.getGradient().toFloatArray(), inW.getGradient().toFloatArray(),
                    inB.getGradient().toFloatArray(), null);
        }
    }
}
