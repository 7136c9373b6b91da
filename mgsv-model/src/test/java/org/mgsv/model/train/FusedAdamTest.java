package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedAdam} gives the element-wise libtorch formulation's moments bit for bit and its parameters within
 * one ulp (nearly all bit for bit), step by step over
 * several steps (bias corrections changing, lr 0 included) and parameters of several shapes.
 */
class FusedAdamTest {
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    /** torch.optim.Adam's update written with libtorch element-wise operations. */
    private static void libtorchStep(NDArray p, NDArray g, NDArray mm, NDArray vv, long t, double lr) {
        double bc1 = 1 - Math.pow(B1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(B2, t));
        mm.muli((float) B1).addi(g.mul((float) (1 - B1)));
        vv.muli((float) B2).addi(g.mul(g).muli((float) (1 - B2)));
        NDArray denom = vv.sqrt().divi((float) bc2Sqrt).addi((float) EPS);
        p.subi(mm.div(denom).muli((float) (lr / bc1)));
    }

    @Test
    void fusedUpdateHasTheBitsOfTheElementWiseOne() {
        double[] lrs = {0, 3e-4, 1e-3, 2.5e-4, 1e-2};
        List<Shape> shapes = List.of(new Shape(7, 33), new Shape(256), new Shape(1));
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(17);
            Map<String, NDArray> fused = new LinkedHashMap<>();
            Map<String, NDArray> plain = new LinkedHashMap<>();
            Map<String, NDArray[]> state = new LinkedHashMap<>();
            for (int i = 0; i < shapes.size(); i++) {
                NDArray p = m.randomNormal(shapes.get(i));
                NDArray q = p.duplicate();
                p.setRequiresGradient(true);
                fused.put("p" + i, p);
                plain.put("p" + i, q);
                state.put("p" + i, new NDArray[] {m.zeros(shapes.get(i)), m.zeros(shapes.get(i))});
            }
            int differ = 0;
            int total = 0;
            try (FusedAdam adam = new FusedAdam(m, B1, B2, EPS)) {
                for (int t = 1; t <= lrs.length; t++) {
                    Map<String, NDArray> grads = new LinkedHashMap<>();
                    for (String k : fused.keySet()) {
                        // gradients over a wide range of magnitudes, some exactly 0
                        NDArray g = m.randomNormal(fused.get(k).getShape()).mul(m.randomUniform(-6f, 2f,
                                fused.get(k).getShape()).exp()).mul(m.randomUniform(0f, 1f, fused.get(k).getShape()).gt(0.1f));
                        grads.put(k, g);
                    }
                    Grads.zero(fused.values());
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = null;
                        for (String k : fused.keySet()) {
                            NDArray x = fused.get(k).mul(grads.get(k)).sum();
                            loss = loss == null ? x : loss.add(x);
                        }
                        gc.backward(loss);
                    }
                    adam.step(new ParamGroup("all", fused), lrs[t - 1]);
                    for (String k : plain.keySet()) {
                        libtorchStep(plain.get(k), grads.get(k), state.get(k)[0], state.get(k)[1], t, lrs[t - 1]);
                        float[] want = plain.get(k).toFloatArray();
                        float[] got = fused.get(k).toFloatArray();
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], got[i], Math.ulp(want[i]), k + "[" + i + "] step " + t);
                            differ += want[i] == got[i] ? 0 : 1;
                            total++;
                        }
                        // continue both from the same values, so each step is compared on its own
                        plain.get(k).set(got);
                    }
                }
                System.out.printf(java.util.Locale.ROOT, "fused Adam vs element-wise libtorch: %d of %d updated values differ (by 1 ulp)%n", differ, total);
                assertTrue(differ * 1000 <= total, differ + " of " + total + " differ");
                // the saved state is the element-wise one's moments (the moments' operations are the same)
                for (NDArray a : adam.stateArrays()) {
                    String k = a.getName().substring(2);
                    NDArray want = state.get(k)[a.getName().startsWith("m/") ? 0 : 1];
                    assertArrayEquals(want.toFloatArray(), a.toFloatArray(), 0f, a.getName());
                }
            }
        }
    }

    /** The SIMD update gives the scalar loop's weights and moments bit for bit, tails and all. */
    @Test
    void vectorUpdateIsTheScalarOne() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.mgsv.core.util.VectorSupport.AVAILABLE,
                "jdk.incubator.vector is not in this JVM");
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        for (int n : new int[] {1, 7, 8, 9, 100, 4099}) {
            float[] g = new float[n];
            float[] w = new float[n];
            float[] m0 = new float[n + 3];
            float[] v0 = new float[n + 3];
            for (int i = 0; i < n; i++) {
                g[i] = i % 11 == 0 ? 0f : (float) (r.nextGaussian() * Math.exp(r.nextDouble(-12, 3)));
                w[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < n + 3; i++) {
                m0[i] = (float) (r.nextGaussian() * 1e-3);
                v0[i] = (float) (r.nextDouble() * 1e-5);
            }
            float[][] out = new float[2][];
            float[][] mo = new float[2][];
            float[][] vo = new float[2][];
            for (int k = 0; k < 2; k++) {
                mo[k] = m0.clone();
                vo[k] = v0.clone();
                FusedAdam.Update u = new FusedAdam.Update(mo[k], vo[k], 0.9f, 0.1f, 0.999f, 0.001f,
                        (float) Math.sqrt(1 - Math.pow(0.999, 3)), 1e-8f, (float) (1e-3 / (1 - Math.pow(0.9, 3))));
                out[k] = w.clone();
                u.apply(g.clone(), out[k], 3, n, k == 1);
            }
            assertArrayEquals(out[0], out[1], 0f, "weights, n = " + n);
            assertArrayEquals(mo[0], mo[1], 0f, "first moments, n = " + n);
            assertArrayEquals(vo[0], vo[1], 0f, "second moments, n = " + n);
        }
    }
}
