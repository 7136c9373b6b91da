package org.mgsv.media.encode.onnx;

import java.util.Locale;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Precision;

/**
 * The arithmetic an ONNX encoder runs in. ONNX Runtime's CPU provider has no bfloat16 or float16 matrix kernels
 * on x86-64, so the reduced-precision mode of the encoders is dynamic int8 quantisation ({@link Int8Quantizer}),
 * converted in memory when the model is loaded: measured on the real-size ViT-B/32 and AST models it is the
 * fastest mode whose features stay within cosine 0.999 of float32 (README, "Encoders at real size").
 */
public enum EncoderPrecision {
    FP32,
    INT8;

    /**
     * What a {@code --precision} choice means for the encoders: {@code fp32} is float32; {@code bf16} asks for
     * reduced precision, which for ONNX Runtime is int8; {@code auto} is int8 where the CPU has int8 dot-product
     * units (AVX-512 VNNI or AVX-VNNI, where it is measured to win) and float32 elsewhere.
     */
    public static EncoderPrecision of(Precision p, CpuFeatures cpu) {
        return switch (p) {
            case FP32 -> FP32;
            case BF16 -> INT8;
            case AUTO -> cpu.int8DotUnits() ? INT8 : FP32;
        };
    }

    /** Why {@link #of} chose this, for the one line a command prints. */
    public static String explain(Precision asked, CpuFeatures cpu) {
        EncoderPrecision e = of(asked, cpu);
        String why = switch (asked) {
            case FP32 -> "as asked";
            case BF16 -> "ONNX Runtime has no bf16 kernels on this CPU type; int8 is its reduced precision"
                    + (Int8Quantizer.effectiveWeightBits() == 8 ? ""
                            : "; 7-bit weights" + (cpu.int8WithoutSaturation() ? "" : ", as int8 kernels without VNNI saturate"));
            case AUTO -> cpu.int8DotUnits() ? "the CPU has int8 dot-product units (VNNI)" : "no VNNI on this CPU: int8 would not win";
        };
        return "encoders: " + e.label() + " (--precision " + asked.label() + ": " + why + ")";
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Mean and minimum cosine similarity of matching rows: how close a reduced precision's features stay to
     * float32's ({@code a}) on the same inputs.
     */
    public static Double[] cosines(float[][] a, float[][] b) {
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            double d = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                d += (double) a[i][j] * b[i][j];
                na += (double) a[i][j] * a[i][j];
                nb += (double) b[i][j] * b[i][j];
            }
            double c = na == 0 && nb == 0 ? 1 : d / Math.sqrt(na * nb);
            sum += c;
            min = Math.min(min, c);
        }
        return new Double[] {sum / a.length, min};
    }
}
