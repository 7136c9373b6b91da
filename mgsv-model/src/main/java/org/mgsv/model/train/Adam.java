package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam exactly as {@code torch.optim.Adam} (no weight decay, no amsgrad) computes it, with its state (first and
 * second moments and the step count per parameter) held here so that it can be saved and restored bit for bit:
 * <pre>
 *   t += 1;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   p -= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 * The state advances even when lr is 0 (as torch's does). Gradients are read from each parameter
 * ({@link NDArray#getGradient()}); call outside a gradient collector.
 */
public final class Adam implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();

    public Adam(NDManager parent, double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.manager = parent.newSubManager();
    }

    /** torch's defaults: β = (0.9, 0.999), ε = 1e-8. */
    public static Adam reference(NDManager parent) {
        return new Adam(parent, 0.9, 0.999, 1e-8);
    }

    /** One update of every parameter of {@code group} with learning rate {@code lr}. */
    public void step(ParamGroup group, double lr) {
        for (Map.Entry<String, NDArray> e : group.params().entrySet()) {
            update(e.getKey(), e.getValue(), lr);
        }
    }

    private void update(String name, NDArray p, double lr) {
        NDArray mm = m.get(name);
        if (mm == null) {
            mm = manager.zeros(p.getShape(), p.getDataType());
            NDArray vv = manager.zeros(p.getShape(), p.getDataType());
            m.put(name, mm);
            v.put(name, vv);
            steps.put(name, 0L);
        }
        NDArray vv = v.get(name);
        long t = steps.get(name) + 1;
        steps.put(name, t);
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        double stepSize = lr / bc1;
        double bc2Sqrt = Math.sqrt(bc2);
        try (NDManager tmp = manager.newSubManager()) {
            NDArray g = p.getGradient();
            g.attach(tmp);
            mm.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            vv.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
            // results of operations on the state arrays belong to the state's manager: move them into tmp, or
            // every step leaves two arrays per parameter behind (native memory growing through a run)
            NDArray denom = vv.sqrt();
            denom.attach(tmp);
            denom.divi((float) bc2Sqrt).addi((float) eps);
            NDArray update = mm.div(denom);
            update.attach(tmp);
            p.subi(update.muli((float) stepSize));
        }
    }

    public long step(String name) {
        return steps.getOrDefault(name, 0L);
    }

    /** The state as named arrays ({@code m/<name>}, {@code v/<name>}) plus the step counts. */
    public NDList stateArrays() {
        NDList out = new NDList();
        for (String k : m.keySet()) {
            NDArray a = m.get(k).duplicate();
            a.setName("m/" + k);
            NDArray b = v.get(k).duplicate();
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
            NDArray c = a.duplicate();
            c.attach(manager);
            if (n.startsWith("m/")) {
                m.put(n.substring(2), c);
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
        for (NDArray a : m.values()) {
            a.close();
        }
        for (NDArray a : v.values()) {
            a.close();
        }
        m.clear();
        v.clear();
        steps.clear();
    }
}
