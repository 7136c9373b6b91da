package org.mgsv.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An immutable float32 tensor in C (row-major) order: a shape plus a {@link FloatBuffer} holding exactly
 * {@code size()} values. The buffer may live on the heap or be a zero-copy slice of a memory-mapped file;
 * either way callers only ever see read-only views of it.
 */
public final class Tensor {
    private final int[] shape;
    private final int[] strides;
    private final FloatBuffer data;

    private Tensor(int[] shape, FloatBuffer data) {
        this.shape = shape.clone();
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        int n = numel(shape);
        if (data.remaining() != n) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, buffer has " + data.remaining());
        }
        this.data = data.slice().asReadOnlyBuffer();
        this.strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
    }

    /** A tensor over a copy of {@code values}. */
    public static Tensor of(float[] values, int... shape) {
        return new Tensor(shape, FloatBuffer.wrap(values.clone()));
    }

    /** A tensor that takes ownership of {@code values} (no copy: the caller must not modify them later). */
    public static Tensor wrap(float[] values, int... shape) {
        return new Tensor(shape, FloatBuffer.wrap(values));
    }

    /** A tensor over the remaining values of {@code data} (no copy: the caller must not modify them later). */
    public static Tensor wrap(FloatBuffer data, int... shape) {
        return new Tensor(shape, data);
    }

    /**
     * A zero-copy tensor over the remaining bytes of {@code bytes}, read as little-endian float32 (e.g. a slice of
     * a {@link java.nio.MappedByteBuffer}).
     */
    public static Tensor wrapLittleEndian(ByteBuffer bytes, int... shape) {
        return new Tensor(shape, bytes.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, FloatBuffer.allocate(numel(shape)));
    }

    static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE || n < 0) {
            throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
        return (int) n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of values. */
    public int size() {
        return data.capacity();
    }

    /** True if this tensor's shape equals {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** A read-only view of the values (position 0, limit = size). */
    public FloatBuffer data() {
        return data.duplicate();
    }

    /** Whether the values live outside the Java heap (e.g. a memory-mapped file). */
    public boolean isDirect() {
        return data.isDirect();
    }

    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(
                    "index of rank " + index.length + " for tensor of shape " + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " out of bounds for shape " + Arrays.toString(shape));
            }
            off += index[i] * strides[i];
        }
        return data.get(off);
    }

    /** Value at flat (row-major) position {@code i}. */
    public float getFlat(int i) {
        return data.get(i);
    }

    /** A copy of all values in row-major order. */
    public float[] toArray() {
        float[] out = new float[size()];
        data.duplicate().get(out);
        return out;
    }

    /** Number of rows (the first dimension). */
    public int rows() {
        if (shape.length == 0) {
            throw new IllegalStateException("a scalar has no rows");
        }
        return shape[0];
    }

    /** A zero-copy view of row {@code i} (the sub-tensor at index i of the first dimension). */
    public Tensor row(int i) {
        if (shape.length == 0) {
            throw new IllegalStateException("a scalar has no rows");
        }
        if (i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("row " + i + " of " + shape[0]);
        }
        int len = strides[0];
        FloatBuffer b = data.duplicate();
        b.position(i * len).limit(i * len + len);
        return new Tensor(Arrays.copyOfRange(shape, 1, shape.length), b);
    }

    /** Copies all values into {@code dst} at {@code offset} (e.g. to assemble a batch). */
    public void copyTo(float[] dst, int offset) {
        data.duplicate().get(dst, offset, size());
    }

    /** Copies row {@code i} into {@code dst} at {@code offset}. */
    public void copyRow(int i, float[] dst, int offset) {
        int len = strides[0];
        data.duplicate().position(i * len).get(dst, offset, len);
    }

    /** A zero-copy view with another shape of the same size. */
    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data.duplicate());
    }

    /** A heap copy (detached from any mapped file). */
    public Tensor copy() {
        return new Tensor(shape, FloatBuffer.wrap(toArray()));
    }

    /** True if any value is NaN or infinite. */
    public boolean hasNonFinite() {
        return firstNonFinite() >= 0;
    }

    /** Flat index of the first NaN/infinite value, or -1. */
    public int firstNonFinite() {
        FloatBuffer b = data.duplicate();
        int n = b.remaining();
        for (int i = 0; i < n; i++) {
            float v = b.get(i);
            if (!Float.isFinite(v)) {
                return i;
            }
        }
        return -1;
    }

    /** The multi-index of flat position {@code flat}, e.g. {@code [3, 17]}. */
    public int[] unflatten(int flat) {
        int[] idx = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            idx[i] = flat / strides[i];
            flat %= strides[i];
        }
        return idx;
    }

    /** Writes all values as little-endian float32 into {@code out} (advancing its position). */
    public void writeLittleEndian(ByteBuffer out) {
        FloatBuffer b = data.duplicate();
        ByteBuffer o = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        o.asFloatBuffer().put(b);
        out.position(out.position() + size() * 4);
    }

    /** Little-endian float32 bytes of the values. */
    public byte[] toLittleEndianBytes() {
        ByteBuffer bb = ByteBuffer.allocate(size() * 4);
        writeLittleEndian(bb);
        return bb.array();
    }

    /** Same shape and equal values ({@code ==} per value, so 0.0 equals -0.0; NaN equals NaN). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor)) {
            return false;
        }
        Tensor t = (Tensor) o;
        return Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + data.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(" [");
        int n = Math.min(size(), 6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(data.get(i));
        }
        if (size() > n) {
            sb.append(", ...");
        }
        return sb.append(']').toString();
    }
}
