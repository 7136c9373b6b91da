package org.mgsv.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A one-node ONNX model {@code Y = A · B} written as protobuf bytes (no ONNX library needed): A [M, K] is the
 * input, B [K, N] a random initializer (constant weights, as in an encoder, so ONNX Runtime may pre-pack them).
 * {@link #float32} builds a float {@code MatMul}, {@link #int8} a {@code MatMulInteger} with A uint8, B int8
 * and an int32 output (the u8·s8 path that VNNI and AMX-INT8 accelerate).
 */
public final class OnnxMatMulModel {
    private OnnxMatMulModel() {}

    private static final int FLOAT = 1;
    private static final int UINT8 = 2;
    private static final int INT8 = 3;
    private static final int INT32 = 6;

    public static byte[] float32(int m, int k, int n, long seed) {
        Random r = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate(4 * k * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < k * n; i++) {
            b.putFloat((float) r.nextGaussian());
        }
        return model("MatMul", m, k, n, FLOAT, FLOAT, FLOAT, b.array());
    }

    public static byte[] int8(int m, int k, int n, long seed) {
        Random r = new Random(seed);
        byte[] w = new byte[k * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (r.nextInt(255) - 127);
        }
        return model("MatMulInteger", m, k, n, UINT8, INT8, INT32, w);
    }

    private static byte[] model(String op, int m, int k, int n, int aType, int bType, int yType, byte[] weights) {
        Proto node = new Proto().str(1, "A").str(1, "B").str(2, "Y").str(3, "mm").str(4, op);
        Proto init = new Proto().i64(1, k).i64(1, n).i64(2, bType).str(8, "B").bytes(9, weights);
        Proto graph = new Proto().msg(1, node).str(2, "matmul").msg(5, init)
                .msg(11, valueInfo("A", aType, m, k)).msg(12, valueInfo("Y", yType, m, n));
        Proto opset = new Proto().str(1, "").i64(2, 13);
        return new Proto().i64(1, 8).str(2, "mgsv").msg(7, graph).msg(8, opset).toBytes();
    }

    private static Proto valueInfo(String name, int elemType, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.msg(1, new Proto().i64(1, d));
        }
        Proto tensor = new Proto().i64(1, elemType).msg(2, shape);
        return new Proto().str(1, name).msg(2, new Proto().msg(1, tensor));
    }

    /** The few protobuf wire-format writes an ONNX graph of this kind needs (varints and length-delimited fields). */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto i64(int field, long v) {
            varint(((long) field << 3));
            varint(v);
            return this;
        }

        Proto str(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto msg(int field, Proto p) {
            return bytes(field, p.toBytes());
        }

        Proto bytes(int field, byte[] b) {
            varint(((long) field << 3) | 2);
            varint(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
