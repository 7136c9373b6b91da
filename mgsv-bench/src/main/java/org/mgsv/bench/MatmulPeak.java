package org.mgsv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Json;

/**
 * This machine's matrix-multiply peak through the same libtorch (DJL) and ONNX Runtime the project runs: fp32
 * {@code matMul} in libtorch (fp32, and bf16 through {@link org.mgsv.model.Bf16Kernels}), fp32 {@code MatMul} and u8·s8 {@code MatMulInteger} in ONNX Runtime, on a large
 * square product and the network's typical shapes, at 1 thread and at the configured count. The peak of a
 * precision is the best rate over its shapes at the configured thread count (interference from other processes only
 * ever slows a run down, so the best of repeated timings is the estimate).
 *
 * <p>Results are saved as JSON (default {@link #defaultFile()}), one per CPU model, thread count and MKL dispatch,
 * and reused by every benchmark whose CPU model, thread count and dispatch match one.
 */
public final class MatmulPeak {
    /** One product: {@code batch} independent [m, k]·[k, n] products. */
    public record Gemm(String name, long batch, long m, long k, long n) {
        public double flops() {
            return 2.0 * batch * m * k * n;
        }
    }

    /** One measurement. */
    public record Rate(String backend, String dtype, String shape, int threads, double gflops) {}

    /**
     * The saved result: peaks in GFLOP/s (NaN where unsupported) and every rate measured, with the CPU model, the
     * thread count and how MKL picked its kernels ({@link CpuFeatures#mklDispatch()}) when it was measured.
     */
    public record Peak(String cpu, int threads, String mklDispatch, double fp32, double bf16, double ortFp32,
            double ortInt8, List<Rate> rates, String measured) {
        /** Whether this peak was measured on {@code cpu} at {@code threads} with MKL dispatch {@code dispatch}. */
        boolean isFor(String cpu, int threads, String dispatch) {
            return java.util.Objects.equals(this.cpu, cpu) && this.threads == threads
                    && java.util.Objects.equals(mklDispatch, dispatch);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cpu", cpu);
            m.put("threads", threads);
            m.put("mkl_dispatch", mklDispatch);
            m.put("fp32_gflops", num(fp32));
            m.put("bf16_gflops", num(bf16));
            m.put("ort_fp32_gflops", num(ortFp32));
            m.put("ort_int8_gops", num(ortInt8));
            m.put("measured", measured);
            List<Map<String, Object>> rs = new ArrayList<>();
            for (Rate r : rates) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("backend", r.backend());
                x.put("dtype", r.dtype());
                x.put("shape", r.shape());
                x.put("threads", r.threads());
                x.put("gflops", Math.round(r.gflops() * 10) / 10.0);
                rs.add(x);
            }
            m.put("rates", rs);
            return m;
        }

        private static Object num(double v) {
            return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
        }

        static Peak fromMap(Map<?, ?> m) {
            List<Rate> rs = new ArrayList<>();
            Object list = m.get("rates");
            if (list instanceof List<?> l) {
                for (Object o : l) {
                    Map<?, ?> x = (Map<?, ?>) o;
                    rs.add(new Rate((String) x.get("backend"), (String) x.get("dtype"), (String) x.get("shape"),
                            ((Number) x.get("threads")).intValue(), ((Number) x.get("gflops")).doubleValue()));
                }
            }
            return new Peak((String) m.get("cpu"), ((Number) m.get("threads")).intValue(),
                    (String) m.get("mkl_dispatch"), dbl(m.get("fp32_gflops")),
                    dbl(m.get("bf16_gflops")), dbl(m.get("ort_fp32_gflops")), dbl(m.get("ort_int8_gops")), rs,
                    (String) m.get("measured"));
        }

        private static double dbl(Object o) {
            return o instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        /** A figure of {@code flops} done in {@code seconds}: "12.3 GFLOP, 45.6 GFLOP/s, 38% of the fp32 peak". */
        public String describe(double flops, double seconds) {
            double rate = flops / seconds / 1e9;
            return String.format(Locale.ROOT, "%.1f GFLOP, %.1f GFLOP/s, %.0f%% of the measured fp32 matmul peak (%.0f GFLOP/s, %d threads)",
                    flops / 1e9, rate, 100 * rate / fp32, fp32, threads);
        }

        /**
         * The line a bench prints for a figure of {@code flops} done in {@code seconds} ({@code what}, a colon and
         * {@link #describe}); puts the same figures ({@link #figures}) in {@code json} under "flops".
         */
        public String report(String what, double flops, double seconds, Map<String, Object> json) {
            json.put("flops", figures(flops, seconds));
            return what + ": " + describe(flops, seconds);
        }

        /** The same figures for a bench JSON. */
        public Map<String, Object> figures(double flops, double seconds) {
            Map<String, Object> m = new LinkedHashMap<>();
            double rate = flops / seconds / 1e9;
            m.put("gflop", Math.round(flops / 1e7) / 100.0);
            m.put("gflops_achieved", Math.round(rate * 10) / 10.0);
            m.put("fp32_peak_gflops", num(fp32));
            m.put("fraction_of_fp32_peak", Math.round(rate / fp32 * 1000) / 1000.0);
            return m;
        }
    }

    /** The network's typical products at reference shapes (batch 32 of F + S = 146 tokens, d = 256, 8 heads). */
    public static List<Gemm> shapes(int square) {
        return List.of(
                new Gemm("square " + square, 1, square, square, square),
                new Gemm("linear 4672x256x256", 1, 4672, 256, 256),
                new Gemm("ffn 4672x256x1024", 1, 4672, 256, 1024),
                new Gemm("ffn 4672x1024x256", 1, 4672, 1024, 256),
                new Gemm("attention 256x[146x32x146]", 256, 146, 32, 146));
    }

    private MatmulPeak() {}

    /** {@code $XDG_CACHE_HOME/mgsv/matmul-peak.json}, else {@code ~/.cache/mgsv/matmul-peak.json}. */
    public static Path defaultFile() {
        String x = System.getenv("XDG_CACHE_HOME");
        Path base = x != null && !x.isBlank() ? Path.of(x) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mgsv").resolve("matmul-peak.json");
    }

    /**
     * The saved peak when it was measured on this CPU model at {@code threads} with MKL's kernels chosen the same
     * way as in this process, else null (absent or stale: the launcher's dispatch shim changes the fp32 peak by
     * half on AMD CPUs).
     */
    public static Peak load(Path file, int threads) {
        for (Peak p : entries(file)) {
            if (p.isFor(CpuFeatures.current().model(), threads, CpuFeatures.mklDispatch()) && !Double.isNaN(p.fp32())) {
                return p;
            }
        }
        return null;
    }

    /**
     * Every peak the file holds: one per CPU, thread count and MKL dispatch ({@code {"peaks": [...]}}; a file of one
     * peak, as written before, reads as that one). An unreadable file holds none (it is measured again).
     */
    static List<Peak> entries(Path file) {
        List<Peak> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<?> list;
        try {
            Map<?, ?> m = new ObjectMapper().readValue(file.toFile(), Map.class);
            list = m.get("peaks") instanceof List<?> l ? l : List.of(m);
        } catch (IOException | RuntimeException e) {
            return out; // unreadable: measured again
        }
        for (Object o : list) {
            try {
                Peak p = Peak.fromMap((Map<?, ?>) o);
                if (p.cpu() != null) {
                    out.add(p);
                }
            } catch (RuntimeException e) {
                // a malformed entry is skipped (and dropped at the next save); the others stay
            }
        }
        return out;
    }

    /**
     * The ONNX Runtime peaks {@code file} holds for this CPU at {@code threads}, keyed "fp32" (GFLOP/s) and "int8"
     * (GOP/s); empty when none was saved (or the saved one is stale).
     */
    public static Map<String, Double> ortPeaks(Path file, int threads) {
        Peak cached = null; // ONNX Runtime does not use MKL: an entry of any dispatch will do
        for (Peak p : entries(file)) {
            if (CpuFeatures.current().model().equals(p.cpu()) && p.threads() == threads && !Double.isNaN(p.ortFp32())) {
                cached = p;
            }
        }
        Map<String, Double> peak = new LinkedHashMap<>();
        if (cached != null) {
            peak.put("fp32", cached.ortFp32());
        }
        if (cached != null && !Double.isNaN(cached.ortInt8())) {
            peak.put("int8", cached.ortInt8());
        }
        return peak;
    }

    /**
     * Saves {@code p} in {@code file} in place of the peak of the same CPU, thread count and MKL dispatch, keeping
     * the others (so a process with MKL's dispatch shim and one without, or 1 and 2 threads, do not measure again
     * each other's turn); written atomically.
     */
    public static void save(Path file, Peak p) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            // two processes saving at once would each drop the other's entry: read, merge and write under a lock
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock lock = ch.lock()) {
                List<Map<String, Object>> all = new ArrayList<>();
                for (Peak q : entries(file)) {
                    if (!q.isFor(p.cpu(), p.threads(), p.mklDispatch())) {
                        all.add(q.toMap());
                    }
                }
                all.add(p.toMap());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("peaks", all);
                Json.write(file, m);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new MgsvException(file + ": cannot write the matmul peak (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The saved peak for this CPU, thread count and MKL dispatch, measured (a short libtorch fp32 run) and saved
     * when there is none. {@code log} receives a line when it measures.
     */
    public static Peak forBench(Path file, int threads, Consumer<String> log) {
        Peak p = load(file, threads);
        if (p != null) {
            return p;
        }
        log.accept("measuring the fp32 matmul peak (" + threads + " threads; `mgsv bench peak` measures all precisions)...");
        p = measure(threads, 2048, 0.3, false, log);
        try {
            save(file, p);
        } catch (MgsvException e) {
            log.accept(e.getMessage());
        }
        return p;
    }

    /**
     * Measures the rates.
     *
     * @param seconds minimum time per timing round (3 rounds per shape and setting, best kept)
     * @param all     also bf16, 1 thread and ONNX Runtime (else libtorch fp32 at {@code threads} only)
     */
    public static Peak measure(int threads, int square, double seconds, boolean all, Consumer<String> log) {
        List<Rate> rates = new ArrayList<>();
        List<Integer> counts = all && threads > 1 ? List.of(1, threads) : List.of(threads);
        // bf16 through libtorch's own operators (DJL's binding has no bfloat16 type; see Bf16Kernels)
        List<DataType> types = all && org.mgsv.model.Bf16Kernels.available()
                ? List.of(DataType.FLOAT32, DataType.BFLOAT16) : List.of(DataType.FLOAT32);
        if (all && !org.mgsv.model.Bf16Kernels.available()) {
            log.accept("libtorch    bf16: not available (" + org.mgsv.model.Bf16Kernels.why() + ")");
        } else if (all && !CpuFeatures.current().bf16Units()) {
            log.accept("libtorch    bf16: this CPU has no AVX512_BF16 or AMX: bf16 is emulated and slower than fp32");
        }
        try (NDManager m = NDManager.newBaseManager()) { // loads libtorch before its threads are read
            int before = JniUtils.getNumThreads();
            try {
            for (int t : counts) {
                JniUtils.setNumThreads(t);
                for (DataType dt : types) {
                    for (Gemm g : shapes(square)) {
                        double r;
                        try {
                            r = torchRate(m, g, dt, seconds);
                        } catch (RuntimeException e) {
                            log.accept("libtorch " + dt + " " + g.name() + ": not supported (" + e.getMessage() + ")");
                            continue;
                        }
                        Rate rate = new Rate("libtorch", name(dt), g.name(), t, r);
                        log.accept(line(rate));
                        rates.add(rate);
                    }
                }
            }
            } finally {
                JniUtils.setNumThreads(before);
            }
        }
        if (all) {
            for (int t : counts) {
                for (String dt : List.of("fp32", "int8")) {
                    for (Gemm g : shapes(square)) {
                        if (g.batch() != 1) {
                            continue;
                        }
                        try {
                            Rate rate = new Rate("onnxruntime", dt, g.name(), t, ortRate(g, dt, t, seconds));
                            log.accept(line(rate));
                            rates.add(rate);
                        } catch (OrtException | RuntimeException e) {
                            log.accept("onnxruntime " + dt + " " + g.name() + ": not supported (" + e.getMessage() + ")");
                        }
                    }
                }
            }
        }
        return new Peak(CpuFeatures.current().model(), threads, CpuFeatures.mklDispatch(),
                best(rates, "libtorch", "fp32", threads),
                best(rates, "libtorch", "bf16", threads), best(rates, "onnxruntime", "fp32", threads),
                best(rates, "onnxruntime", "int8", threads), rates, Instant.now().toString());
    }

    private static String line(Rate r) {
        return String.format(Locale.ROOT, "%-11s %-4s %-28s %d thread%s %8.1f %s", r.backend(), r.dtype(), r.shape(),
                r.threads(), r.threads() == 1 ? " " : "s", r.gflops(), r.dtype().equals("int8") ? "GOP/s" : "GFLOP/s");
    }

    private static String name(DataType dt) {
        return dt == DataType.FLOAT32 ? "fp32" : "bf16";
    }

    private static double best(List<Rate> rates, String backend, String dtype, int threads) {
        double b = Double.NaN;
        for (Rate r : rates) {
            if (r.backend().equals(backend) && r.dtype().equals(dtype) && r.threads() == threads
                    && (Double.isNaN(b) || r.gflops() > b)) {
                b = r.gflops();
            }
        }
        return b;
    }

    private static double torchRate(NDManager parent, Gemm g, DataType dt, double seconds) {
        try (NDManager m = parent.newSubManager()) {
            Shape sa = g.batch() == 1 ? new Shape(g.m(), g.k()) : new Shape(g.batch(), g.m(), g.k());
            Shape sb = g.batch() == 1 ? new Shape(g.k(), g.n()) : new Shape(g.batch(), g.k(), g.n());
            if (dt == DataType.BFLOAT16) {
                NDArray a16 = org.mgsv.model.Bf16Kernels.toBf16(m.randomNormal(sa), m);
                NDArray b16 = org.mgsv.model.Bf16Kernels.toBf16(m.randomNormal(sb), m);
                return timed(g.flops(), seconds, () -> {
                    try (NDManager s = m.newSubManager()) {
                        org.mgsv.model.Bf16Kernels.matmul(a16, b16, s); // bf16 in and out, fp32 accumulation
                    }
                });
            }
            NDArray a = m.randomNormal(sa).toType(dt, false);
            NDArray b = m.randomNormal(sb).toType(dt, false);
            return timed(g.flops(), seconds, () -> {
                try (NDManager s = m.newSubManager()) {
                    a.tempAttach(s);
                    b.tempAttach(s);
                    a.matMul(b);
                }
            });
        }
    }

    private static double ortRate(Gemm g, String dt, int threads, double seconds) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model = dt.equals("fp32") ? OnnxMatMulModel.float32((int) g.m(), (int) g.k(), (int) g.n(), 1)
                : OnnxMatMulModel.int8((int) g.m(), (int) g.k(), (int) g.n(), 1);
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(model, o)) {
                Random r = new Random(2);
                int n = (int) (g.m() * g.k());
                long[] shape = {g.m(), g.k()};
                OnnxTensor in;
                if (dt.equals("fp32")) {
                    float[] a = new float[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = (float) r.nextGaussian();
                    }
                    in = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), shape);
                } else {
                    byte[] a = new byte[n];
                    r.nextBytes(a);
                    in = OnnxTensor.createTensor(env, ByteBuffer.wrap(a), shape, ai.onnxruntime.OnnxJavaType.UINT8);
                }
                try (OnnxTensor a = in) {
                    Map<String, OnnxTensor> feed = Map.of("A", a);
                    return timed(g.flops(), seconds, () -> {
                        try (OrtSession.Result res = session.run(feed)) {
                            // output discarded
                        } catch (OrtException e) {
                            throw new MgsvException("onnxruntime: " + e.getMessage(), e);
                        }
                    });
                }
            }
        }
    }

    /** GFLOP/s of {@code op}: one warm-up call, then the best of 3 rounds of at least {@code seconds} each. */
    private static double timed(double flops, double seconds, Runnable op) {
        op.run();
        double best = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            int reps = 0;
            double el;
            do {
                op.run();
                reps++;
                el = (System.nanoTime() - t0) / 1e9;
            } while (el < seconds);
            best = Math.max(best, flops * reps / el / 1e9);
        }
        return best;
    }
}
