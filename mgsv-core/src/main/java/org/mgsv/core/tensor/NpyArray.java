package org.mgsv.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A numpy array as stored in a {@code .npy} file: dtype, shape (C order) and the raw bytes in native
 * little-endian order. Converts to a float32 {@link Tensor}, a {@code long[]} or a {@code double[]}.
 */
public final class NpyArray {
    /** The dtypes read and written ({@code descr} without byte-order character). */
    public enum Dtype {
        FLOAT32("f4", 4),
        FLOAT64("f8", 8),
        FLOAT16("f2", 2),
        INT64("i8", 8),
        INT32("i4", 4),
        UINT8("u1", 1),
        BOOL("b1", 1);

        public final String code;
        public final int bytes;

        Dtype(String code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        /** numpy's descr string, e.g. {@code <f4} ({@code |u1} for one-byte types). */
        public String descr() {
            return (bytes == 1 ? "|" : "<") + code;
        }
    }

    private final Dtype dtype;
    private final int[] shape;
    private final ByteBuffer data;

    /** @param data little-endian bytes, exactly numel * dtype.bytes long (remaining) */
    public NpyArray(Dtype dtype, int[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long need = (long) Tensor.numel(shape) * dtype.bytes;
        if (data.remaining() != need) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + need + " bytes, got " + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static NpyArray of(Tensor t) {
        return new NpyArray(Dtype.FLOAT32, t.shape(), ByteBuffer.wrap(t.toLittleEndianBytes()));
    }

    /** float16 copy of {@code t} (rounded to nearest even). */
    public static NpyArray ofHalf(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) {
            b.putShort(Half.fromFloat(t.getFlat(i)));
        }
        b.flip();
        return new NpyArray(Dtype.FLOAT16, t.shape(), b);
    }

    public static NpyArray ofLongs(long[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new NpyArray(Dtype.INT64, shape, b);
    }

    public static NpyArray ofDoubles(double[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return new NpyArray(Dtype.FLOAT64, shape, b);
    }

    public Dtype dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return Tensor.numel(shape);
    }

    /** A read-only view of the little-endian bytes. */
    public ByteBuffer bytes() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The values as float32 (zero-copy when the dtype is float32). */
    public Tensor toTensor() {
        if (dtype == Dtype.FLOAT32) {
            return Tensor.wrapLittleEndian(data.duplicate(), shape);
        }
        int n = size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) getDouble(i);
        }
        return Tensor.wrap(out, shape);
    }

    public double getDouble(int i) {
        switch (dtype) {
            case FLOAT32: return data.getFloat(i * 4);
            case FLOAT64: return data.getDouble(i * 8);
            case FLOAT16: return Half.toFloat(data.getShort(i * 2));
            case INT64: return data.getLong(i * 8);
            case INT32: return data.getInt(i * 4);
            case UINT8: return data.get(i) & 0xff;
            case BOOL: return data.get(i) != 0 ? 1 : 0;
            default: throw new AssertionError(dtype);
        }
    }

    public double[] toDoubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** The values as longs; floating values must be integral. */
    public long[] toLongs() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            if (dtype == Dtype.INT64) {
                out[i] = data.getLong(i * 8);
            } else {
                double d = getDouble(i);
                if (d != Math.rint(d)) {
                    throw new IllegalStateException("value " + d + " at " + i + " is not an integer");
                }
                out[i] = (long) d;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "NpyArray(" + dtype.descr() + ", " + Arrays.toString(shape) + ")";
    }
}
