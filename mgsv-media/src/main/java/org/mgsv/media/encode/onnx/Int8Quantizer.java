package org.mgsv.media.encode.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.CpuFeatures;

/**
 * Dynamic int8 quantisation of an ONNX model, in memory: every {@code MatMul} whose second input is a constant
 * 2-D float32 weight, and every {@code Gemm} of a constant weight (alpha = beta = 1, no transposed A, a 1-D or no
 * bias), becomes ONNX Runtime's {@code com.microsoft.DynamicQuantizeMatMul}: the weight is stored as symmetric
 * int8 with one scale per output column (max |w| / 127), and the activation is quantised to uint8 per tensor at
 * run time (its own min/max), multiplied with integer kernels (AVX-512 VNNI where the CPU has it) and scaled back
 * to float32. On x86 CPUs without VNNI, ONNX Runtime's kernels add pairs of u8·s8 products in a saturating int16,
 * which full-range weights overflow (on a Zen 3, a tiny CLIP's features fell to cosine 0.977 against float32);
 * there the weights are quantised to 7 bits (max |w| / 63; {@code quantize_dynamic(reduce_range=True)} keeps them
 * in ±64 for the same reason), which cannot overflow (cosine 0.99998 on the same model). See {@link CpuFeatures#int8WithoutSaturation()}. Everything else — convolutions, attention's activation × activation products, LayerNorm, softmax —
 * stays float32. This is what {@code onnxruntime.quantization.quantize_dynamic} produces with per-channel weights,
 * without needing Python.
 *
 * <p>The model is read and written at the protobuf wire level: all fields are copied byte for byte except the
 * graph's rewritten nodes and initializers and one added opset import. Models with external data files (over
 * 2 GB) are refused with a clear error.
 */
public final class Int8Quantizer {
    /** Weights with fewer rows or columns than this are left in float32 (nothing to gain). */
    static final int MIN_DIM = 16;

    private Int8Quantizer() {}

    /** The result: the quantised model, how many products were converted, and the weights' bits (8 or 7). */
    public record Result(byte[] model, int quantized, long weightsQuantized, int weightBits) {}

    /** The weight bits for a CPU: 8 where its int8 kernels cannot saturate, else 7. */
    public static int weightBits(CpuFeatures cpu) {
        return cpu.int8WithoutSaturation() ? 8 : 7;
    }

    /**
     * Quantises for this machine's CPU ({@link #weightBits(CpuFeatures)}), or with the bits of the system property
     * {@code mgsv.int8.weightBits} (7 or 8) when set.
     *
     * @param model the serialised ModelProto
     * @param what  the file, for error messages
     */
    public static Result quantize(byte[] model, String what) {
        return quantize(model, what, effectiveWeightBits());
    }

    /** The weight bits {@link #quantize(byte[], String)} uses: {@code mgsv.int8.weightBits} when set, else the CPU's. */
    public static int effectiveWeightBits() {
        String forced = System.getProperty("mgsv.int8.weightBits");
        if (forced == null) {
            return weightBits(CpuFeatures.current());
        }
        return switch (forced.trim()) {
            case "7" -> 7;
            case "8" -> 8;
            default -> throw new MgsvException("-Dmgsv.int8.weightBits must be 7 or 8, got '" + forced + "'");
        };
    }

    /**
     * @param model      the serialised ModelProto
     * @param what       the file, for error messages
     * @param weightBits 8 (weights in ±127) or 7 (±63, for CPUs whose int8 kernels saturate)
     */
    public static Result quantize(byte[] model, String what, int weightBits) {
        if (weightBits != 7 && weightBits != 8) {
            throw new IllegalArgumentException("weightBits must be 7 or 8, got " + weightBits);
        }
        try {
            return rewrite(model, (1 << (weightBits - 1)) - 1, weightBits);
        } catch (RuntimeException e) {
            if (e instanceof MgsvException) {
                throw new MgsvException(what + ": cannot quantise to int8: " + e.getMessage(), e);
            }
            throw new MgsvException(what + ": not a readable ONNX model for int8 quantisation (" + e + ")", e);
        }
    }

    // ---- the rewrite ----

    private static Result rewrite(byte[] bytes, int qmax, int weightBits) {
        List<Field> modelFields = Wire.parse(bytes, 0, bytes.length);
        Field graphField = null;
        boolean hasMs = false;
        for (Field f : modelFields) {
            if (f.number == 7 && f.wire == 2) {
                graphField = f;
            } else if (f.number == 8 && f.wire == 2) {
                for (Field o : Wire.parse(bytes, f.start, f.end)) {
                    if (o.number == 1 && o.wire == 2 && "com.microsoft".equals(o.string(bytes))) {
                        hasMs = true;
                    }
                }
            }
        }
        if (graphField == null) {
            throw new MgsvException("the file has no graph");
        }
        List<Field> graph = Wire.parse(bytes, graphField.start, graphField.end);
        Map<String, Tensor> inits = new HashMap<>();
        Set<String> graphInputs = new HashSet<>();
        List<Node> nodes = new ArrayList<>();
        for (Field f : graph) {
            if (f.number == 5 && f.wire == 2) {
                Tensor t = Tensor.parse(bytes, f);
                inits.put(t.name, t);
            } else if (f.number == 1 && f.wire == 2) {
                nodes.add(Node.parse(bytes, f));
            } else if (f.number == 11 && f.wire == 2) {
                for (Field v : Wire.parse(bytes, f.start, f.end)) {
                    if (v.number == 1 && v.wire == 2) {
                        graphInputs.add(v.string(bytes));
                    }
                }
            }
        }
        // constants reached through Identity (the exporter shares weights that way)
        Map<String, String> identity = new HashMap<>();
        for (Node n : nodes) {
            if (n.opType.equals("Identity") && n.domain.isEmpty() && n.inputs.size() == 1 && n.outputs.size() == 1) {
                identity.put(n.outputs.get(0), n.inputs.get(0));
            }
        }
        List<byte[]> newInits = new ArrayList<>();
        Map<Integer, byte[]> replaced = new HashMap<>();
        Map<String, String> quantizedWeight = new HashMap<>();   // weight key -> prefix of its int8 tensors
        int count = 0;
        long weights = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!n.domain.isEmpty() || n.outputs.size() != 1) {
                continue;
            }
            boolean matmul = n.opType.equals("MatMul") && n.inputs.size() == 2;
            boolean gemm = n.opType.equals("Gemm") && (n.inputs.size() == 2 || n.inputs.size() == 3)
                    && n.floatAttr("alpha", 1f) == 1f && n.floatAttr("beta", 1f) == 1f && n.intAttr("transA", 0) == 0;
            if (!matmul && !gemm) {
                continue;
            }
            Tensor w = constant(n.inputs.get(1), inits, identity, graphInputs);
            if (w == null || w.dims.length != 2 || w.dims[0] < MIN_DIM || w.dims[1] < MIN_DIM) {
                continue;
            }
            boolean transB = gemm && n.intAttr("transB", 0) != 0;
            String bias = null;
            if (gemm && n.inputs.size() == 3 && !n.inputs.get(2).isEmpty()) {
                Tensor c = constant(n.inputs.get(2), inits, identity, graphInputs);
                long cols = transB ? w.dims[0] : w.dims[1];
                if (c == null || c.dims.length != 1 || c.dims[0] != cols) {
                    continue;
                }
                bias = n.inputs.get(2);
            }
            String key = w.name + (transB ? "|T" : "");
            String prefix = quantizedWeight.get(key);
            if (prefix == null) {
                prefix = unique(w.name + (transB ? "_T" : "") + "_int8", inits.keySet());
                float[] data = w.floats(bytes);
                int rows = (int) w.dims[0];
                int cols = (int) w.dims[1];
                int k = transB ? cols : rows;
                int nOut = transB ? rows : cols;
                byte[] q = new byte[k * nOut];
                float[] scale = new float[nOut];
                for (int r = 0; r < k; r++) {
                    for (int c = 0; c < nOut; c++) {
                        float v = transB ? data[c * cols + r] : data[r * cols + c];
                        scale[c] = Math.max(scale[c], Math.abs(v));
                    }
                }
                for (int c = 0; c < nOut; c++) {
                    scale[c] = scale[c] > 0 ? scale[c] / qmax : 1f;
                }
                for (int r = 0; r < k; r++) {
                    for (int c = 0; c < nOut; c++) {
                        float v = transB ? data[c * cols + r] : data[r * cols + c];
                        q[r * nOut + c] = (byte) Math.max(-qmax, Math.min(qmax, Math.round(v / scale[c])));
                    }
                }
                ByteBuffer sb = ByteBuffer.allocate(nOut * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float s : scale) {
                    sb.putFloat(s);
                }
                newInits.add(Tensor.encode(prefix, new long[] {k, nOut}, Tensor.INT8, q));
                newInits.add(Tensor.encode(prefix + "_scale", new long[] {nOut}, Tensor.FLOAT, sb.array()));
                newInits.add(Tensor.encode(prefix + "_zero_point", new long[] {nOut}, Tensor.INT8, new byte[nOut]));
                quantizedWeight.put(key, prefix);
                weights += (long) k * nOut;
            }
            List<String> in = new ArrayList<>(List.of(n.inputs.get(0), prefix, prefix + "_scale", prefix + "_zero_point"));
            if (bias != null) {
                in.add(bias);
            }
            replaced.put(i, Node.encode(in, n.outputs, n.name.isEmpty() ? "" : n.name + "_int8",
                    "DynamicQuantizeMatMul", "com.microsoft"));
            count++;
        }
        // initializers still read by a node that stays, by the new nodes, or listed as outputs are kept
        Set<String> used = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (replaced.containsKey(i)) {
                if (n.inputs.size() == 3 && !n.opType.equals("MatMul")) {
                    used.add(n.inputs.get(2));
                }
                used.add(n.inputs.get(0));
            } else {
                used.addAll(n.inputs);
            }
        }
        used.addAll(graphInputs);
        for (Field f : graph) {
            if (f.number == 12 && f.wire == 2) {
                for (Field v : Wire.parse(bytes, f.start, f.end)) {
                    if (v.number == 1 && v.wire == 2) {
                        used.add(v.string(bytes));
                    }
                }
            }
        }
        ByteArrayOutputStream g = new ByteArrayOutputStream(bytes.length / 3);
        int nodeIndex = 0;
        for (Field f : graph) {
            if (f.number == 1 && f.wire == 2) {
                byte[] r = replaced.get(nodeIndex++);
                if (r != null) {
                    Wire.writeBytesField(g, 1, r, 0, r.length);
                    continue;
                }
            } else if (f.number == 5 && f.wire == 2 && !used.contains(Tensor.parse(bytes, f).name)) {
                continue;
            }
            g.write(bytes, f.tagStart, f.end - f.tagStart);
        }
        for (byte[] t : newInits) {
            Wire.writeBytesField(g, 5, t, 0, t.length);
        }
        byte[] graphBytes = g.toByteArray();
        ByteArrayOutputStream m = new ByteArrayOutputStream(graphBytes.length + 1024);
        for (Field f : modelFields) {
            if (f == graphField) {
                Wire.writeBytesField(m, 7, graphBytes, 0, graphBytes.length);
            } else {
                m.write(bytes, f.tagStart, f.end - f.tagStart);
            }
        }
        if (!hasMs && count > 0) {
            ByteArrayOutputStream op = new ByteArrayOutputStream();
            byte[] domain = "com.microsoft".getBytes(StandardCharsets.UTF_8);
            Wire.writeBytesField(op, 1, domain, 0, domain.length);
            Wire.writeTag(op, 2, 0);
            Wire.writeVarint(op, 1);
            byte[] o = op.toByteArray();
            Wire.writeBytesField(m, 8, o, 0, o.length);
        }
        return new Result(m.toByteArray(), count, weights, weightBits);
    }

    private static Tensor constant(String name, Map<String, Tensor> inits, Map<String, String> identity,
                                   Set<String> graphInputs) {
        for (int hops = 0; hops < 8 && name != null; hops++) {
            Tensor t = inits.get(name);
            if (t != null) {
                return graphInputs.contains(name) || t.dataType != Tensor.FLOAT || t.external ? null : t;
            }
            name = identity.get(name);
        }
        return null;
    }

    private static String unique(String base, Set<String> taken) {
        String s = base;
        for (int i = 1; taken.contains(s); i++) {
            s = base + "_" + i;
        }
        return s;
    }

    // ---- the few protobuf messages needed ----

    /** A NodeProto's inputs (1), outputs (2), name (3), op_type (4), domain (7) and attributes (5). */
    private static final class Node {
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        final Map<String, Number> attrs = new HashMap<>();

        static Node parse(byte[] b, Field node) {
            Node n = new Node();
            for (Field f : Wire.parse(b, node.start, node.end)) {
                switch (f.number) {
                    case 1 -> n.inputs.add(f.string(b));
                    case 2 -> n.outputs.add(f.string(b));
                    case 3 -> n.name = f.string(b);
                    case 4 -> n.opType = f.string(b);
                    case 7 -> n.domain = f.string(b);
                    case 5 -> {
                        String an = null;
                        Number v = null;
                        for (Field a : Wire.parse(b, f.start, f.end)) {
                            if (a.number == 1 && a.wire == 2) {
                                an = a.string(b);
                            } else if (a.number == 2 && a.wire == 5) {
                                v = Float.intBitsToFloat((int) a.value);
                            } else if (a.number == 3 && a.wire == 0) {
                                v = a.value;
                            }
                        }
                        if (an != null && v != null) {
                            n.attrs.put(an, v);
                        }
                    }
                    default -> { }
                }
            }
            return n;
        }

        float floatAttr(String a, float dflt) {
            Number v = attrs.get(a);
            return v == null ? dflt : v.floatValue();
        }

        long intAttr(String a, long dflt) {
            Number v = attrs.get(a);
            return v == null ? dflt : v.longValue();
        }

        static byte[] encode(List<String> in, List<String> out, String name, String op, String domain) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (String s : in) {
                Wire.writeString(o, 1, s);
            }
            for (String s : out) {
                Wire.writeString(o, 2, s);
            }
            if (!name.isEmpty()) {
                Wire.writeString(o, 3, name);
            }
            Wire.writeString(o, 4, op);
            Wire.writeString(o, 7, domain);
            return o.toByteArray();
        }
    }

    /** A TensorProto: dims (1), data_type (2), float_data (4), name (8), raw_data (9), data_location (14). */
    private static final class Tensor {
        static final int FLOAT = 1;
        static final int INT8 = 3;
        String name = "";
        long[] dims = new long[0];
        int dataType;
        Field raw;
        final List<Field> floatData = new ArrayList<>();
        boolean external;

        static Tensor parse(byte[] b, Field tensor) {
            Tensor t = new Tensor();
            List<Long> dims = new ArrayList<>();
            for (Field f : Wire.parse(b, tensor.start, tensor.end)) {
                switch (f.number) {
                    case 1 -> {
                        if (f.wire == 2) {
                            int[] p = {f.start};
                            while (p[0] < f.end) {
                                dims.add(Wire.varint(b, p));
                            }
                        } else {
                            dims.add(f.value);
                        }
                    }
                    case 2 -> t.dataType = (int) f.value;
                    case 4 -> t.floatData.add(f);
                    case 8 -> t.name = f.string(b);
                    case 9 -> t.raw = f;
                    case 13 -> t.external = true;
                    case 14 -> t.external |= f.value != 0;
                    default -> { }
                }
            }
            t.dims = dims.stream().mapToLong(Long::longValue).toArray();
            return t;
        }

        float[] floats(byte[] b) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            float[] out = new float[(int) n];
            if (raw != null) {
                if (raw.end - raw.start != n * 4) {
                    throw new MgsvException("initializer '" + name + "' has " + (raw.end - raw.start)
                            + " bytes of data for " + n + " floats");
                }
                ByteBuffer.wrap(b, raw.start, raw.end - raw.start).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                return out;
            }
            int i = 0;
            for (Field f : floatData) {
                if (f.wire == 2) {
                    ByteBuffer bb = ByteBuffer.wrap(b, f.start, f.end - f.start).order(ByteOrder.LITTLE_ENDIAN);
                    while (bb.remaining() >= 4 && i < n) {
                        out[i++] = bb.getFloat();
                    }
                } else if (i < n) {
                    out[i++] = Float.intBitsToFloat((int) f.value);
                }
            }
            if (i != n) {
                throw new MgsvException("initializer '" + name + "' has " + i + " floats, its shape needs " + n);
            }
            return out;
        }

        static byte[] encode(String name, long[] dims, int type, byte[] raw) {
            ByteArrayOutputStream o = new ByteArrayOutputStream(raw.length + 64);
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            for (long x : dims) {
                Wire.writeVarint(d, x);
            }
            byte[] db = d.toByteArray();
            Wire.writeBytesField(o, 1, db, 0, db.length);
            Wire.writeTag(o, 2, 0);
            Wire.writeVarint(o, type);
            Wire.writeString(o, 8, name);
            Wire.writeBytesField(o, 9, raw, 0, raw.length);
            return o.toByteArray();
        }
    }

    /** One field of a message: its number, wire type, where its tag starts, and its payload (or value). */
    private record Field(int number, int wire, int tagStart, int start, int end, long value) {
        String string(byte[] b) {
            return new String(b, start, end - start, StandardCharsets.UTF_8);
        }
    }

    /** Protobuf wire format: varints, tags, length-delimited fields. */
    private static final class Wire {
        static List<Field> parse(byte[] b, int from, int to) {
            List<Field> out = new ArrayList<>();
            int[] p = {from};
            while (p[0] < to) {
                int tagStart = p[0];
                long tag = varint(b, p);
                int number = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                switch (wire) {
                    case 0 -> {
                        int s = p[0];
                        long v = varint(b, p);
                        out.add(new Field(number, wire, tagStart, s, p[0], v));
                    }
                    case 1 -> {
                        long v = ByteBuffer.wrap(b, p[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                        out.add(new Field(number, wire, tagStart, p[0], p[0] + 8, v));
                        p[0] += 8;
                    }
                    case 2 -> {
                        long len = varint(b, p);
                        if (len < 0 || p[0] + len > to) {
                            throw new MgsvException("truncated protobuf field " + number);
                        }
                        out.add(new Field(number, wire, tagStart, p[0], (int) (p[0] + len), 0));
                        p[0] += (int) len;
                    }
                    case 5 -> {
                        long v = ByteBuffer.wrap(b, p[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
                        out.add(new Field(number, wire, tagStart, p[0], p[0] + 4, v));
                        p[0] += 4;
                    }
                    default -> throw new MgsvException("unsupported protobuf wire type " + wire + " at byte " + tagStart);
                }
                if (p[0] > to) {
                    throw new MgsvException("truncated protobuf message");
                }
            }
            return out;
        }

        static long varint(byte[] b, int[] p) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p[0] >= b.length) {
                    throw new MgsvException("truncated protobuf varint");
                }
                byte x = b[p[0]++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new MgsvException("malformed protobuf varint");
        }

        static void writeVarint(ByteArrayOutputStream o, long v) {
            while ((v & ~0x7fL) != 0) {
                o.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            o.write((int) v);
        }

        static void writeTag(ByteArrayOutputStream o, int number, int wire) {
            writeVarint(o, ((long) number << 3) | wire);
        }

        static void writeBytesField(ByteArrayOutputStream o, int number, byte[] b, int off, int len) {
            writeTag(o, number, 2);
            writeVarint(o, len);
            o.write(b, off, len);
        }

        static void writeString(ByteArrayOutputStream o, int number, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeBytesField(o, number, b, 0, b.length);
        }
    }
}
