package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Precision;

/**
 * The arithmetic of the network's matrix products: {@code FP32}, or {@code BF16} — inputs and weights rounded to
 * bfloat16, products accumulated in float32 by oneDNN, results returned as float32 ({@link Bf16Kernels}). Only
 * the products of {@link Ops#linear} and {@link Ops#matMul} (projections, feed-forwards, heads, attention's
 * q·k and p·v) change; softmax, LayerNorm statistics, losses, the matching costs, gradient clipping, the
 * optimizer and its state stay float32, and parameters and checkpoints stay float32 masters.
 *
 * <p>One process-wide setting (the commands choose it once from {@code --precision}); {@link #use} sets it for a
 * block and restores the previous one.
 */
public enum MatmulPrecision {
    FP32,
    BF16;

    private static volatile MatmulPrecision current = FP32;

    private static final ThreadLocal<MatmulPrecision> HERE = new ThreadLocal<>();

    /** The precision of the calling thread: its {@link #fp32Here} override, else the process-wide setting. */
    public static MatmulPrecision current() {
        MatmulPrecision p = HERE.get();
        return p != null ? p : current;
    }

    /**
     * float32 products on the calling thread only, until the returned scope is closed, whatever the process-wide
     * setting: for computations whose products are too small for bf16 to pay for its casts and whose results
     * are compared with each other (the MsG evaluator's X-Pool scores).
     */
    public static Scope fp32Here() {
        MatmulPrecision before = HERE.get();
        HERE.set(FP32);
        return () -> {
            if (before == null) {
                HERE.remove();
            } else {
                HERE.set(before);
            }
        };
    }

    /** Sets the precision until the returned scope is closed. */
    public static Scope use(MatmulPrecision p) {
        MatmulPrecision before = current;
        if (p == BF16 && !Bf16Kernels.available()) {
            throw new MgsvException("bf16 kernels unavailable: " + Bf16Kernels.why());
        }
        current = p;
        return () -> current = before;
    }

    /** A scope of {@link #use}; closing it cannot fail. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What was chosen for a {@code --precision} and the one line a command prints about it. */
    public record Choice(MatmulPrecision precision, String line) {}

    /**
     * The model's precision for a {@code --precision} choice: {@code fp32}; {@code bf16} (refused with a clear
     * error where libtorch's bf16 operators cannot be reached; on a CPU without bf16 units it runs correctly,
     * emulated and slower); {@code auto} = bf16 only where the CPU reports bf16 units (AVX512_BF16 or AMX) AND a
     * short probe of one network-sized product finds bf16 faster than fp32, else fp32.
     */
    public static Choice choose(Precision asked, CpuFeatures cpu) {
        return switch (asked) {
            case FP32 -> new Choice(FP32, "model: fp32 (--precision fp32)");
            case BF16 -> {
                if (!Bf16Kernels.available()) {
                    throw new MgsvException("--precision bf16: libtorch's bf16 operators cannot be reached ("
                            + Bf16Kernels.why() + "); use fp32");
                }
                yield new Choice(BF16, "model: bf16 matrix products, fp32 elsewhere (--precision bf16"
                        + (cpu.bf16Units() ? ")" : "; this CPU has no bf16 units, so it is emulated and slower than fp32)"));
            }
            case AUTO -> {
                if (!cpu.bf16Units()) {
                    yield new Choice(FP32, "model: fp32 (--precision auto: no AVX512_BF16 or AMX on this CPU)");
                }
                if (!Bf16Kernels.available()) {
                    yield new Choice(FP32, "model: fp32 (--precision auto: bf16 operators unavailable: " + Bf16Kernels.why() + ")");
                }
                double[] ms = probe();
                boolean win = ms[1] < ms[0] / 1.1;
                yield new Choice(win ? BF16 : FP32, String.format(Locale.ROOT,
                        "model: %s (--precision auto: probe product fp32 %.2f ms, bf16 %.2f ms)", win ? "bf16" : "fp32",
                        ms[0], ms[1]));
            }
        };
    }

    /**
     * Best-of times (ms) of one network-sized product, x [1024, 256] · W [1024, 256]ᵀ, in fp32 and in bf16
     * (input cast included, weight cached), about 0.1 s in all.
     */
    static double[] probe() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(1024, 256));
            NDArray w = m.randomUniform(-1, 1, new Shape(1024, 256));
            NDArray w16 = Bf16Kernels.toBf16(w, m);
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            for (int round = 0; round < 5; round++) {
                for (int mode = 0; mode < 2; mode++) {
                    try (NDManager s = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        for (int i = 0; i < 4; i++) {
                            if (mode == 0) {
                                ai.djl.nn.core.Linear.linear(x, w).singletonOrThrow().attach(s);
                            } else {
                                NDArray x16 = Bf16Kernels.toBf16(x, s);
                                Bf16Kernels.toFloat(Bf16Kernels.linear(x16, w16, null, s), s);
                            }
                        }
                        best[mode] = Math.min(best[mode], (System.nanoTime() - t0) / 4e6);
                    }
                }
            }
            return best;
        }
    }
}
