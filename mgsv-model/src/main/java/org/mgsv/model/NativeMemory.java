package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where the data of a computation's arrays lives and when it is freed: copies of Java arrays in libtorch-owned
 * memory, reused host buffers for data on its way there, sub-managers that free a computation's intermediates,
 * and the JVM's pool of direct buffers.
 *
 * <p>Tensors that DJL creates from Java arrays keep their data in direct ByteBuffers, which the JVM frees only
 * when the buffer objects are garbage-collected. Long loops that create many such tensors but little Java
 * garbage can therefore hold hundreds of MB of unreachable native memory. {@link #release(long)} asks for a
 * collection once the direct pool exceeds a threshold, which keeps the process's memory bounded.
 */
public final class NativeMemory {
    private NativeMemory() {}

    /**
     * An array with the given values in libtorch-owned memory. {@code NDManager.create(float[])} leaves the
     * data in a direct buffer that libtorch uses in place and that a garbage collection may free while the
     * tensor (or a view of it, or autograd's saved inputs) is still in use. Here libtorch allocates the tensor
     * and the values are copied once, straight into its storage (not through a direct buffer and a clone).
     */
    public static NDArray owned(NDManager m, float[] data, Shape shape) {
        checkSize(data.length, shape);
        NDArray a = m.create(shape, ai.djl.ndarray.types.DataType.FLOAT32);
        if (data.length > 0) {
            TensorStorage.floats(a).put(data);
        }
        return a;
    }

    private static void checkSize(int n, Shape shape) {
        if (n != shape.size()) {
            throw new IllegalArgumentException(n + " values for shape " + shape + " (" + shape.size() + " elements)");
        }
    }

    private static final ThreadLocal<float[][]> HOST = ThreadLocal.withInitial(() -> new float[8][]);

    /**
     * A zeroed host buffer of exactly {@code n} floats, reused per thread and {@code slot} (0..7): for data that
     * goes into {@link #owned} right away, so loops do not fill the Java heap with garbage.
     */
    public static float[] hostBuffer(int slot, int n) {
        float[][] b = HOST.get();
        if (b[slot] == null || b[slot].length != n) {
            b[slot] = new float[n];
        } else {
            java.util.Arrays.fill(b[slot], 0f);
        }
        return b[slot];
    }

    /** {@link #owned(NDManager, float[], Shape)} for int64 data. */
    public static NDArray owned(NDManager m, long[] data, Shape shape) {
        checkSize(data.length, shape);
        NDArray a = m.create(shape, ai.djl.ndarray.types.DataType.INT64);
        if (data.length > 0) {
            TensorStorage.longs(a).put(data);
        }
        return a;
    }

    /**
     * Runs {@code body} with its intermediates in a temporary sub-manager that is closed on return, so only the
     * result survives (attached to the first input's manager). The inputs are temporarily attached to the
     * sub-manager (so that results of operations on them land there) and returned to their managers afterwards.
     * Safe with autograd: the graph keeps its own references to the tensors a backward pass needs.
     */
    public static NDArray scoped(java.util.function.Function<NDArray[], NDArray> body, NDArray... inputs) {
        NDManager home = inputs[0].getManager();
        try (NDManager s = home.newSubManager()) {
            java.util.Set<NDArray> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (NDArray x : inputs) {
                if (x != null && seen.add(x)) {
                    x.tempAttach(s);
                }
            }
            NDArray out = body.apply(inputs);
            if (seen.contains(out)) {
                out = out.duplicate();
            }
            out.attach(home);
            return out;
        }
    }

    /** Bytes currently held by direct buffers (reachable or not yet collected). */
    public static long used() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        return 0;
    }

    /** Runs a garbage collection when more than {@code thresholdBytes} are held by direct buffers. */
    public static void release(long thresholdBytes) {
        if (used() > thresholdBytes) {
            System.gc();
        }
    }
}
