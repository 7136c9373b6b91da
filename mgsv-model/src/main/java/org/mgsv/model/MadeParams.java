package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable parameters of MaDe, keyed by the reference state-dict names (e.g.
 * {@code detr_transformer.decoder.layers.0.multihead_attn.in_proj_weight}), in the reference's order, with
 * PyTorch shapes (Linear weight [out, in]; attention {@code in_proj_weight} [3d, d] = q;k;v).
 *
 * <p>Each entry is an {@link NDArray} owned by this registry's manager; {@link #attachGradients()} makes them
 * trainable. {@link #group(String)} gives the reference's optimizer group: TEMPORAL (projections + enhancement
 * layers), MATCHING (X-Pool + logit_scale), DETECTION (DETR + heads); {@code decoder_query_embed} is in NONE
 * because the reference puts it in no optimizer group (so it never trains there).
 *
 * <p>The three buffers of the reference state dict (position tables, {@code criterion.empty_weight}) are not
 * parameters: they are computed by {@link FixedTensors}.
 */
public final class MadeParams implements AutoCloseable {

    /** Optimizer groups of the reference recipe. */
    public enum Group { TEMPORAL, MATCHING, DETECTION, NONE }

    /** How a parameter is initialised for training from scratch (as the reference's modules do). */
    enum Init {
        /** PyTorch nn.Linear default: weight U(±1/√fan_in) (kaiming_uniform a=√5), bias U(±1/√fan_in). */
        LINEAR_W, LINEAR_B,
        /** xavier_uniform: U(±√(6/(fan_in+fan_out))). */
        XAVIER,
        ZERO, ONE, IDENTITY,
        /** N(0, 1) (nn.Embedding default). */
        NORMAL,
        /** log(1 / temperatureInit). */
        LOGIT_SCALE
    }

    /** Name, shape, group and initialiser of one parameter. */
    public record Spec(String name, Shape shape, Group group, Init init, int fanIn) {}

    private final MadeConfig config;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> arrays;
    private final Map<String, Spec> specs;

    private MadeParams(MadeConfig config, NDManager manager, LinkedHashMap<String, NDArray> arrays) {
        this.config = config;
        this.manager = manager;
        this.arrays = arrays;
        Map<String, Spec> m = new LinkedHashMap<>();
        for (Spec s : specs(config)) {
            m.put(s.name(), s);
        }
        this.specs = Collections.unmodifiableMap(m);
    }

    // ------------------------------------------------------------------ spec

    /** Every parameter of a configuration, in the reference's state-dict order. */
    public static List<Spec> specs(MadeConfig c) {
        List<Spec> out = new ArrayList<>();
        int d = c.dModel();
        out.add(new Spec("logit_scale", new Shape(), Group.MATCHING, Init.LOGIT_SCALE, 0));
        String detr = "detr_transformer.";
        for (int l = 0; l < c.detrEncoderLayers(); l++) {
            String p = detr + "encoder.layers." + l + ".";
            mha(out, p + "self_attn.", d, Group.DETECTION, Init.XAVIER);
            linear(out, p + "linear1", d, c.detrFfnDim(), Group.DETECTION, Init.XAVIER);
            linear(out, p + "linear2", c.detrFfnDim(), d, Group.DETECTION, Init.XAVIER);
            layerNorm(out, p + "norm1", d, Group.DETECTION);
            layerNorm(out, p + "norm2", d, Group.DETECTION);
        }
        for (int l = 0; l < c.detrDecoderLayers(); l++) {
            String p = detr + "decoder.layers." + l + ".";
            mha(out, p + "self_attn.", d, Group.DETECTION, Init.XAVIER);
            mha(out, p + "multihead_attn.", d, Group.DETECTION, Init.XAVIER);
            linear(out, p + "linear1", d, c.detrFfnDim(), Group.DETECTION, Init.XAVIER);
            linear(out, p + "linear2", c.detrFfnDim(), d, Group.DETECTION, Init.XAVIER);
            layerNorm(out, p + "norm1", d, Group.DETECTION);
            layerNorm(out, p + "norm2", d, Group.DETECTION);
            layerNorm(out, p + "norm3", d, Group.DETECTION);
        }
        layerNorm(out, detr + "decoder.norm", d, Group.DETECTION);
        linear(out, "ast_proj", c.segmentFeatDim(), d, Group.TEMPORAL, Init.LINEAR_W);
        linear(out, "vit_proj", c.frameFeatDim(), d, Group.TEMPORAL, Init.LINEAR_W);
        for (String mod : new String[] {"video_transformer", "audio_transformer"}) {
            for (int l = 0; l < c.enhancementLayerCount(); l++) {
                String p = mod + ".layers." + l + ".";
                layerNorm(out, p + "0", d, Group.TEMPORAL);
                // nn.MultiheadAttention: in_proj xavier, in_proj_bias 0, out_proj.weight Linear default, bias 0
                out.add(new Spec(p + "1.in_proj_weight", new Shape(3L * d, d), Group.TEMPORAL, Init.XAVIER, d));
                out.add(new Spec(p + "1.in_proj_bias", new Shape(3L * d), Group.TEMPORAL, Init.ZERO, d));
                out.add(new Spec(p + "1.out_proj.weight", new Shape(d, d), Group.TEMPORAL, Init.LINEAR_W, d));
                out.add(new Spec(p + "1.out_proj.bias", new Shape(d), Group.TEMPORAL, Init.ZERO, d));
                layerNorm(out, p + "2", d, Group.TEMPORAL);
                linear(out, p + "3.0", d, c.enhancementFfnDim(), Group.TEMPORAL, Init.LINEAR_W);
                linear(out, p + "3.3", c.enhancementFfnDim(), d, Group.TEMPORAL, Init.LINEAR_W);
            }
            if (c.enhancement()) {
                linear(out, mod + ".final_linear", d, d, Group.TEMPORAL, Init.LINEAR_W);
            }
        }
        for (String n : XPool.LINEARS) {
            linear(out, n, d, d, Group.MATCHING, Init.IDENTITY);
        }
        for (String n : XPool.LAYER_NORMS) {
            layerNorm(out, n, d, Group.MATCHING);
        }
        out.add(new Spec("decoder_query_embed.weight", new Shape(c.numMomentQueries(), d), Group.NONE, Init.NORMAL, d));
        linear(out, "span_embed.layers.0", d, d, Group.DETECTION, Init.LINEAR_W);
        linear(out, "span_embed.layers.1", d, d, Group.DETECTION, Init.LINEAR_W);
        linear(out, "span_embed.layers.2", d, c.spanOutDim(), Group.DETECTION, Init.LINEAR_W);
        linear(out, "class_embed", d, 2, Group.DETECTION, Init.LINEAR_W);
        linear(out, "contrastive_align_projection_query", d, c.contrastiveDim(), Group.DETECTION, Init.LINEAR_W);
        linear(out, "contrastive_align_projection_vid", d, c.contrastiveDim(), Group.DETECTION, Init.LINEAR_W);
        return out;
    }

    private static void mha(List<Spec> out, String p, int d, Group g, Init w) {
        // torch MHA: in_proj_weight xavier_uniform, in_proj_bias 0, out_proj bias 0. Inside DETR the later
        // xavier_uniform_ over every dim>1 parameter also re-initialises out_proj.weight.
        out.add(new Spec(p + "in_proj_weight", new Shape(3L * d, d), g, Init.XAVIER, d));
        out.add(new Spec(p + "in_proj_bias", new Shape(3L * d), g, Init.ZERO, d));
        out.add(new Spec(p + "out_proj.weight", new Shape(d, d), g, w, d));
        out.add(new Spec(p + "out_proj.bias", new Shape(d), g, Init.ZERO, d));
    }

    private static void linear(List<Spec> out, String p, int in, int outDim, Group g, Init w) {
        Init b = w == Init.IDENTITY ? Init.ZERO : Init.LINEAR_B;
        out.add(new Spec(p + ".weight", new Shape(outDim, in), g, w, in));
        out.add(new Spec(p + ".bias", new Shape(outDim), g, b, in));
    }

    private static void layerNorm(List<Spec> out, String p, int d, Group g) {
        out.add(new Spec(p + ".weight", new Shape(d), g, Init.ONE, d));
        out.add(new Spec(p + ".bias", new Shape(d), g, Init.ZERO, d));
    }

    // ------------------------------------------------------------------ construction

    /**
     * Fresh parameters initialised as the reference initialises them for training, from a seeded generator
     * (reproducible: same config + seed → same values on every machine).
     */
    private static final java.util.regex.Pattern CLONED_LAYER =
            java.util.regex.Pattern.compile("(detr_transformer\\.(?:encoder|decoder)\\.layers\\.)(\\d+)(\\..+)");

    public static MadeParams initialize(MadeConfig config, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, float[]> firstLayer = new java.util.HashMap<>();
        for (Spec s : specs(config)) {
            // one independent stream per parameter so that adding a parameter does not shift the others
            SplittableRandom r = new SplittableRandom(seed ^ (s.name().hashCode() * 0x9E3779B97F4A7C15L));
            float[] v = initValues(s, config, r);
            // the reference deep-copies one DETR encoder (decoder) layer into every layer and then re-draws only
            // the matrices (xavier over every parameter with dim > 1): all layers start with layer 0's biases
            java.util.regex.Matcher lm = CLONED_LAYER.matcher(s.name());
            if (lm.matches() && s.shape().dimension() <= 1) {
                String key = lm.group(1) + lm.group(3);
                if (lm.group(2).equals("0")) {
                    firstLayer.put(key, v);
                } else if (firstLayer.containsKey(key)) {
                    v = firstLayer.get(key).clone();
                }
            }
            NDArray a = NativeMemory.owned(m, v, s.shape()); // libtorch-owned memory, not a GC-managed direct buffer
            a.setName(s.name());
            arrays.put(s.name(), a);
        }
        return new MadeParams(config, m, arrays);
    }

    static float[] initValues(Spec s, MadeConfig config, SplittableRandom r) {
        int n = (int) Math.max(1, s.shape().size());
        float[] v = new float[n];
        switch (s.init()) {
            case ZERO -> { }
            case ONE -> java.util.Arrays.fill(v, 1f);
            case LOGIT_SCALE -> v[0] = (float) Math.log(1.0 / config.temperatureInit());
            case IDENTITY -> {
                int rows = (int) s.shape().get(0);
                int cols = (int) s.shape().get(1);
                for (int i = 0; i < Math.min(rows, cols); i++) {
                    v[i * cols + i] = 1f;
                }
            }
            case NORMAL -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) gaussian(r);
                }
            }
            case LINEAR_W, LINEAR_B -> {
                double bound = 1.0 / Math.sqrt(s.fanIn());
                for (int i = 0; i < n; i++) {
                    v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
                }
            }
            case XAVIER -> {
                long fanOut = s.shape().get(0);
                long fanIn = s.shape().get(1);
                double bound = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < n; i++) {
                    v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
                }
            }
            default -> throw new IllegalStateException(s.init().toString());
        }
        return v;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Parameters from named arrays (an imported or saved state dict). Every name of the configuration must be
     * present with its exact shape; see {@link #check(MadeConfig, Map)} for the error report. Arrays are copied
     * into this registry's own manager as float32.
     */
    public static MadeParams fromArrays(MadeConfig config, NDManager parent, Map<String, NDArray> named) {
        List<String> problems = check(config, named);
        if (!problems.isEmpty()) {
            throw new org.mgsv.core.MgsvException("state dict does not match the model: " + String.join("; ", problems));
        }
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();
        for (Spec s : specs(config)) {
            NDArray src = named.get(s.name());
            // duplicate(): a real copy in native memory (toType(.., true) may return the same storage)
            NDArray a = src.toType(DataType.FLOAT32, false).reshape(s.shape()).duplicate();
            a.attach(m);
            a.setName(s.name());
            arrays.put(s.name(), a);
        }
        return new MadeParams(config, m, arrays);
    }

    /**
     * Value problems of the arrays in {@code named}: a dtype other than a floating one ({@code float32} only when
     * {@code exactFloat32}, as in a saved model directory) and non-finite values (naming the first element).
     * Empty when all are fine. A NaN weight otherwise turns every score into NaN, which ranks every query first.
     */
    public static List<String> checkValues(Map<String, NDArray> named, boolean exactFloat32) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : named.entrySet()) {
            NDArray a = e.getValue();
            DataType t = a.getDataType();
            boolean ok = exactFloat32 ? t == DataType.FLOAT32
                    : t == DataType.FLOAT32 || t == DataType.FLOAT64 || t == DataType.FLOAT16 || t == DataType.BFLOAT16;
            if (!ok) {
                out.add(e.getKey() + ": dtype " + t + ", expected " + (exactFloat32 ? "float32" : "a float type"));
                continue;
            }
            if (a.size() == 0) {
                continue;
            }
            NDArray f = t == DataType.FLOAT64 ? a : a.toType(DataType.FLOAT32, false);
            boolean bad = f.isNaN().logicalOr(f.isInfinite()).any().getBoolean();
            if (bad) {
                double[] v = f.toType(DataType.FLOAT64, false).toDoubleArray();
                int i = 0;
                while (i < v.length && Double.isFinite(v[i])) {
                    i++;
                }
                long count = java.util.Arrays.stream(v).filter(x -> !Double.isFinite(x)).count();
                out.add(e.getKey() + ": " + count + " non-finite value(s), the first " + v[i] + " at flat index " + i);
            }
        }
        return out;
    }

    /** Missing / unexpected / mismatched names (empty when {@code named} fits the configuration). */
    public static List<String> check(MadeConfig config, Map<String, NDArray> named) {
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Map<String, Spec> want = new LinkedHashMap<>();
        for (Spec s : specs(config)) {
            want.put(s.name(), s);
        }
        for (Spec s : want.values()) {
            NDArray a = named.get(s.name());
            if (a == null) {
                missing.add(s.name() + " " + shapeText(s.shape()));
            } else if (!sameShape(a.getShape(), s.shape())) {
                mismatched.add(s.name() + " (expected " + shapeText(s.shape()) + ", got " + shapeText(a.getShape()) + ")");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String n : named.keySet()) {
            if (!want.containsKey(n)) {
                unexpected.add(n);
            }
        }
        List<String> out = new ArrayList<>();
        if (!missing.isEmpty()) {
            out.add(missing.size() + " missing: " + String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            out.add(unexpected.size() + " unexpected: " + String.join(", ", unexpected));
        }
        if (!mismatched.isEmpty()) {
            out.add(mismatched.size() + " mismatched: " + String.join(", ", mismatched));
        }
        return out;
    }

    private static boolean sameShape(Shape a, Shape b) {
        // a PyTorch scalar may arrive as [] or [1]
        if (b.dimension() == 0) {
            return a.size() == 1 && a.dimension() <= 1;
        }
        return a.equals(b);
    }

    public static String shapeText(Shape s) {
        if (s.dimension() == 0) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < s.dimension(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(s.get(i));
        }
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------ access

    public MadeConfig config() {
        return config;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    /** Names in the reference order. */
    public List<String> names() {
        return List.copyOf(arrays.keySet());
    }

    /** Read-only view name → array (reference order). */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(arrays);
    }

    public Group group(String name) {
        Spec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return s.group();
    }

    /** Names per optimizer group (NONE holds decoder_query_embed.weight). */
    public Map<Group, List<String>> groups() {
        Map<Group, List<String>> g = new EnumMap<>(Group.class);
        for (Group x : Group.values()) {
            g.put(x, new ArrayList<>());
        }
        for (Spec s : specs.values()) {
            g.get(s.group()).add(s.name());
        }
        return g;
    }

    /** Total number of scalar parameters. */
    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.getShape().size();
        }
        return n;
    }

    /** Makes every parameter trainable (gradients are collected by a GradientCollector). */
    public void attachGradients() {
        for (NDArray a : arrays.values()) {
            a.setRequiresGradient(true);
        }
    }

    /** Replaces a parameter's values in place (same shape). */
    public void set(String name, NDArray value) {
        NDArray a = get(name);
        if (!a.getShape().equals(value.getShape())) {
            throw new IllegalArgumentException(name + ": expected " + a.getShape() + ", got " + value.getShape());
        }
        a.set(value.toType(DataType.FLOAT32, false).toFloatArray());
    }

    /** The parameters as a named list (for NDList.encode). */
    public NDList toNDList() {
        NDList l = new NDList();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            a.setName(e.getKey());
            l.add(a);
        }
        return l;
    }

    /** A deep copy (same config) in a new sub-manager of {@code parent}. */
    public MadeParams copy(NDManager parent) {
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> c = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue().duplicate();
            a.attach(m);
            a.setName(e.getKey());
            c.put(e.getKey(), a);
        }
        return new MadeParams(config, m, c);
    }

    @Override
    public void close() {
        manager.close();
    }
}
