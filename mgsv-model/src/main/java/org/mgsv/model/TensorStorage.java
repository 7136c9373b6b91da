package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * In-place access from Java to the storage of a contiguous CPU tensor of libtorch's: reads and writes go to
 * libtorch's own memory, with no copy through a direct buffer or the Java heap. For tensors this project creates
 * or owns (parameters, their gradients, new arrays it fills): a view of a non-contiguous tensor would be a copy,
 * so such tensors are refused.
 */
public final class TensorStorage {
    private TensorStorage() {}

    /** The float32 elements of {@code a}, in its (row-major) order. */
    public static FloatBuffer floats(NDArray a) {
        return bytes(a, DataType.FLOAT32).asFloatBuffer();
    }

    /** The int64 elements of {@code a}, in its (row-major) order. */
    public static LongBuffer longs(NDArray a) {
        return bytes(a, DataType.INT64).asLongBuffer();
    }

    private static ByteBuffer bytes(NDArray a, DataType type) {
        if (a.getDataType() != type) {
            throw new IllegalArgumentException("tensor " + a.getShape() + " is " + a.getDataType() + ", expected " + type);
        }
        ByteBuffer b = ((PtNDArray) a).toByteBuffer(true);
        long want = a.getShape().size() * type.getNumOfBytes();
        if (!b.isDirect() || b.capacity() != want) {
            throw new IllegalStateException("tensor " + a.getShape() + ": no in-place view of its storage");
        }
        return b.order(ByteOrder.nativeOrder());
    }
}
