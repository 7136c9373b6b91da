package org.mgsv.app.cli;

import org.mgsv.core.MgsvException;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Precision;
import org.mgsv.media.encode.onnx.EncoderPrecision;
import org.mgsv.model.MatmulPrecision;
import picocli.CommandLine.Option;

/** {@code --precision fp32|bf16|auto}, shared by the commands that run the encoders or the model (a picocli mixin). */
final class PrecisionOption {
    @Option(names = "--precision", paramLabel = "fp32|bf16|auto", defaultValue = "fp32",
            description = "Arithmetic: fp32 (default); bf16 = the model's matrix products in bfloat16 with fp32 "
                    + "accumulation (softmax, LayerNorm, losses, optimizer and checkpoints stay fp32) and the ONNX "
                    + "encoders in int8 dynamic quantisation (ONNX Runtime has no bf16 kernels on x86); auto = the "
                    + "model in bf16 where the CPU has AVX512_BF16 or AMX and a short probe finds it faster, the "
                    + "encoders in int8 where it has VNNI, else fp32. The choice is printed.")
    String precision = "fp32";

    private MatmulPrecision.Choice model;

    Precision asked() {
        try {
            return Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new MgsvException("--precision: " + e.getMessage());
        }
    }

    /** What the ONNX encoders run in on this CPU. */
    EncoderPrecision encoders() {
        return EncoderPrecision.of(asked(), CpuFeatures.current());
    }

    /** Refuses a reduced precision for encoders that run in a Spark job (its jobs run them in fp32). */
    void requireFp32ForSpark() {
        if (encoders() != EncoderPrecision.FP32) {
            throw new MgsvException("--precision " + precision + " with --engine spark: the Spark job runs the "
                    + "encoders in fp32; use --precision fp32 or the local engine");
        }
    }

    /** The line that says what was chosen for the encoders and why. */
    String explain() {
        return EncoderPrecision.explain(asked(), CpuFeatures.current());
    }

    /**
     * Chooses the model's matrix-product precision, prints the choice (to stderr, so JSON on stdout stays clean)
     * and sets it until the returned scope is closed.
     */
    MatmulPrecision.Scope model() {
        model = MatmulPrecision.choose(asked(), CpuFeatures.current());
        System.err.println(model.line());
        return MatmulPrecision.use(model.precision());
    }

    /** {@link #model()}, and the encoders of {@code opts} set to this precision (the choice printed for ONNX ones). */
    MatmulPrecision.Scope modelAndEncoders(AppOptions opts) {
        opts.encoderPrecision = encoders();
        if (opts.encoder == AppOptions.Encoder.onnx) {
            System.err.println(explain());
        }
        return model();
    }

    /** The model precision chosen by {@link #model()} (fp32 before). */
    String modelLabel() {
        return model == null ? "fp32" : model.precision().label();
    }
}
