package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgsv.model.HostParallel;
import org.mgsv.model.TensorStorage;

/**
 * Adam exactly as {@code torch.optim.Adam} (no weight decay, no amsgrad) computes it, with its state (first and
 * second moments and the step count per parameter) held here so that it can be saved and restored bit for bit:
 * <pre>
 *   t += 1;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   p -= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 * The state advances even when lr is 0 (as torch's does). Gradients are read from each parameter
 * ({@link NDArray#getGradient()}); call outside a gradient collector.
 *
 * <p>The update is one fused pass per parameter (the moments live on the heap; weights and gradients are read and
 * written in libtorch's own storage, in cache-sized chunks spread over as many threads as libtorch's intra-op
 * pool): the same float operations in the same order as the element-wise libtorch formulation (IEEE float
 * products, sums, quotients and a correctly rounded square root, no fused multiply-add): the same moments bit for
 * bit and the same parameters within one ulp, nearly all bit for bit ({@code FusedAdamTest}), where libtorch needs
 * thirteen passes and four temporaries per parameter.
 */
public final class FusedAdam implements AutoCloseable {
    /** Elements per unit of work: a chunk's gradient, weights and moments stay in the core's L2 cache. */
    private static final int CHUNK = 1 << 14;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager manager;
    private final Map<String, float[]> m = new LinkedHashMap<>();
    private final Map<String, float[]> v = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();

    public FusedAdam(NDManager parent, double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.manager = parent.newSubManager();
    }

    /** torch's defaults: β = (0.9, 0.999), ε = 1e-8. */
    public static FusedAdam reference(NDManager parent) {
        return new FusedAdam(parent, 0.9, 0.999, 1e-8);
    }

    /** One update of every parameter of {@code group} with learning rate {@code lr}. */
    public void step(ParamGroup group, double lr) {
        for (Map.Entry<String, NDArray> e : group.params().entrySet()) {
            update(e.getKey(), e.getValue(), lr);
        }
    }

    private void update(String name, NDArray p, double lr) {
        float[] mm = m.get(name);
        if (mm == null) {
            int n = Math.toIntExact(p.getShape().size());
            mm = new float[n];
            m.put(name, mm);
            v.put(name, new float[n]);
            shapes.put(name, p.getShape());
            steps.put(name, 0L);
        }
        float[] vv = v.get(name);
        long t = steps.get(name) + 1;
        steps.put(name, t);
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) beta1;
        float c1 = (float) (1 - beta1);
        float b2 = (float) beta2;
        float c2 = (float) (1 - beta2);
        float e = (float) eps;
        Update u = new Update(mm, vv, b1, c1, b2, c2, bc2Sqrt, e, stepSize);
        try (NDArray grad = p.getGradient()) {
            FloatBuffer g = view(grad, name + " gradient", mm.length);
            FloatBuffer w = view(p, name, mm.length);
            HostParallel.ranges(mm.length, CHUNK, k -> HostParallel.reusedFloats(2, k),
                    (c, from, len, buf) -> u.run(g, w, from, from + len, buf[0], buf[1]));
        }
    }

    private static FloatBuffer view(NDArray a, String what, int n) {
        if (a.getShape().size() != n) {
            throw new IllegalArgumentException(what + ": " + a.getShape().size() + " values, optimizer state has " + n);
        }
        return TensorStorage.floats(a);
    }

    /**
     * Whether the SIMD update runs ({@code -Dmgsv.adam.direct=true} keeps the scalar loop): the same operations per
     * element in the same order, none fused, so the same weights and moments bit for bit (a test holds them equal).
     */
    static final boolean VECTORS = org.mgsv.core.util.VectorSupport.AVAILABLE
            && !Boolean.getBoolean("mgsv.adam.direct");

    /** One parameter's update; {@link #run} does elements [from, to) through two scratch arrays. */
    record Update(float[] m, float[] v, float b1, float c1, float b2, float c2, float bc2Sqrt, float e,
            float stepSize) {
        void run(FloatBuffer g, FloatBuffer w, int from, int to, float[] gs, float[] ws) {
            int len = to - from;
            g.get(from, gs, 0, len);
            w.get(from, ws, 0, len);
            apply(gs, ws, from, len, VECTORS);
            w.put(from, ws, 0, len);
        }

        /** Elements [from, from + len) of the moments, with gradient gs[0, len) and weights ws[0, len) (updated). */
        void apply(float[] gs, float[] ws, int from, int len, boolean vectors) {
            int j = vectors ? FusedAdamVectors.update(this, gs, ws, from, len) : 0;
            float[] mm = m;
            float[] vv = v;
            for (int i = from + j; j < len; j++, i++) {
                float gi = gs[j];
                float mi = mm[i] * b1 + gi * c1;
                float vi = vv[i] * b2 + (gi * gi) * c2;
                mm[i] = mi;
                vv[i] = vi;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + e;
                ws[j] = ws[j] - (mi / denom) * stepSize;
            }
        }
    }

    public long step(String name) {
        return steps.getOrDefault(name, 0L);
    }

    /** The state as named arrays ({@code m/<name>}, {@code v/<name>}) plus the step counts. */
    public NDList stateArrays() {
        NDList out = new NDList();
        for (String k : m.keySet()) {
            NDArray a = manager.create(m.get(k), shapes.get(k));
            a.setName("m/" + k);
            NDArray b = manager.create(v.get(k), shapes.get(k));
            b.setName("v/" + k);
            out.add(a);
            out.add(b);
        }
        return out;
    }

    public Map<String, Long> stepCounts() {
        return new LinkedHashMap<>(steps);
    }

    /** Restores the state written by {@link #stateArrays()} and {@link #stepCounts()}. */
    public void load(NDList arrays, Map<String, Long> stepCounts) {
        close();
        for (NDArray a : arrays) {
            String n = a.getName();
            float[] c = a.toType(DataType.FLOAT32, false).toFloatArray();
            if (n.startsWith("m/")) {
                m.put(n.substring(2), c);
                shapes.put(n.substring(2), a.getShape());
            } else if (n.startsWith("v/")) {
                v.put(n.substring(2), c);
            }
        }
        steps.putAll(stepCounts);
        if (!m.keySet().equals(v.keySet()) || !m.keySet().equals(steps.keySet())) {
            throw new IllegalArgumentException("inconsistent optimizer state");
        }
    }

    @Override
    public void close() {
        m.clear();
        v.clear();
        shapes.clear();
        steps.clear();
    }
}
