package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The bf16 products of {@link Ops} against float32: values within bfloat16 rounding (inputs rounded to 8
 * significant bits, float32 accumulation, result rounded to bf16), gradients through the casts to the float32
 * masters, float32 results, and bad shapes refused in Java (a libtorch exception would abort the JVM).
 */
class Bf16KernelsTest {
    /** relative error of a bf16 product of random data: measured ≈ 3e-3 (2⁻⁸ per rounded operand). */
    static final double REL = 1e-2;

    static double rel(NDArray a, NDArray b) {
        return (double) a.sub(b).norm().getFloat() / b.norm().getFloat();
    }

    @Test
    void kernelsAreReachable() {
        assertTrue(Bf16Kernels.available(), "bf16 kernels: " + Bf16Kernels.why());
    }

    @Test
    void linearAndMatMulMatchFloat32WithinBf16Rounding() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(3, 40, 64));
            NDArray w = m.randomNormal(new Shape(48, 64));
            NDArray b = m.randomNormal(new Shape(48));
            NDArray k = m.randomNormal(new Shape(3, 64, 40));
            NDArray refLin = Ops.linear(x, w, b);
            NDArray refMm = Ops.matMul(x, k);
            NDArray lin;
            NDArray mm;
            try (MatmulPrecision.Scope s = MatmulPrecision.use(MatmulPrecision.BF16)) {
                lin = Ops.linear(x, w, b);
                mm = Ops.matMul(x, k);
                // a weight without gradient is cast once and reused: the same values again
                assertEquals(0f, Ops.linear(x, w, b).sub(lin).abs().max().getFloat());
            }
            assertEquals(DataType.FLOAT32, lin.getDataType());
            assertEquals(refLin.getShape(), lin.getShape());
            assertEquals(refMm.getShape(), mm.getShape());
            double rl = rel(lin, refLin);
            double rm = rel(mm, refMm);
            System.out.printf(Locale.ROOT, "bf16 linear rel %.2e, matMul rel %.2e%n", rl, rm);
            assertTrue(rl > 1e-5 && rl < REL, "linear: bf16 arithmetic was not used or is off: rel " + rl);
            assertTrue(rm > 1e-5 && rm < REL, "matMul: rel " + rm);
        }
    }

    @Test
    void feedForwardKeepsItsHiddenLayerInBf16BitForBit() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(3, 40, 64));
            NDArray w1 = m.randomNormal(new Shape(256, 64));
            NDArray b1 = m.randomNormal(new Shape(256));
            NDArray w2 = m.randomNormal(new Shape(64, 256));
            NDArray b2 = m.randomNormal(new Shape(64));
            NDArray fp32 = Ops.reluFeedForward(x, w1, b1, w2, b2);
            assertEquals(0f, fp32.sub(Ops.linear(Ops.relu(Ops.linear(x, w1, b1)), w2, b2)).abs().max().getFloat());
            try (MatmulPrecision.Scope s = MatmulPrecision.use(MatmulPrecision.BF16)) {
                NDArray chained = Ops.reluFeedForward(x, w1, b1, w2, b2);
                NDArray stepwise = Ops.linear(Ops.relu(Ops.linear(x, w1, b1)), w2, b2);
                assertEquals(DataType.FLOAT32, chained.getDataType());
                assertEquals(stepwise.getShape(), chained.getShape());
                assertEquals(0f, chained.sub(stepwise).abs().max().getFloat(), "bf16 chain = step by step, bit for bit");
                double r = rel(chained, fp32);
                assertTrue(r > 1e-5 && r < REL, "bf16 arithmetic was used: rel " + r);
            }
        }
    }

    @Test
    void gradientsReachTheFloat32Masters() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(2, 16, 32));
            NDArray w = m.randomNormal(new Shape(24, 32));
            NDArray b = m.randomNormal(new Shape(24));
            NDArray k = m.randomNormal(new Shape(2, 24, 16));
            NDArray[] fp32 = grads(m, x, w, b, k, MatmulPrecision.FP32);
            NDArray[] bf16 = grads(m, x, w, b, k, MatmulPrecision.BF16);
            String[] names = {"x", "w", "b", "k"};
            for (int i = 0; i < 4; i++) {
                assertEquals(DataType.FLOAT32, bf16[i].getDataType());
                double r = rel(bf16[i], fp32[i]);
                System.out.printf(Locale.ROOT, "bf16 gradient of %s: rel %.2e%n", names[i], r);
                assertTrue(r < 2 * REL, names[i] + ": gradient rel " + r);
            }
        }
    }

    private static NDArray[] grads(NDManager m, NDArray x, NDArray w, NDArray b, NDArray k, MatmulPrecision p) {
        // fresh leaves per run: gradients accumulate in a leaf across backward passes
        NDArray[] in = {x.duplicate(), w.duplicate(), b.duplicate(), k.duplicate()};
        for (NDArray a : in) {
            a.setRequiresGradient(true);
        }
        try (MatmulPrecision.Scope s = MatmulPrecision.use(p); GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray h = Ops.linear(in[0], in[1], in[2]); // [2,16,24]
            NDArray y = Ops.matMul(h, in[3]); // [2,16,16]
            gc.backward(y.mul(y).sum());
        }
        NDArray[] g = new NDArray[4];
        for (int i = 0; i < 4; i++) {
            g[i] = in[i].getGradient().duplicate();
        }
        return g;
    }

    @Test
    void badShapesAreRefusedBeforeTheNativeCall() {
        try (NDManager m = NDManager.newBaseManager();
                MatmulPrecision.Scope s = MatmulPrecision.use(MatmulPrecision.BF16)) {
            NDArray x = m.ones(new Shape(4, 8));
            assertThrows(IllegalArgumentException.class, () -> Ops.linear(x, m.ones(new Shape(3, 7)), null));
            assertThrows(IllegalArgumentException.class, () -> Ops.matMul(x, m.ones(new Shape(7, 2))));
            assertThrows(IllegalArgumentException.class,
                    () -> Ops.matMul(m.ones(new Shape(2, 4, 8)), m.ones(new Shape(3, 8, 2))));
        }
    }

    @Test
    void precisionIsRestoredAfterAScope() {
        assertEquals(MatmulPrecision.FP32, MatmulPrecision.current());
        try (MatmulPrecision.Scope s = MatmulPrecision.use(MatmulPrecision.BF16)) {
            assertEquals(MatmulPrecision.BF16, MatmulPrecision.current());
        }
        assertEquals(MatmulPrecision.FP32, MatmulPrecision.current());
    }
}
