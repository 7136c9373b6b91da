package org.mgsv.app.cli;

import org.mgsv.core.MgsvException;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Precision;
import org.mgsv.media.encode.onnx.EncoderPrecision;
import picocli.CommandLine.Option;

/** {@code --precision fp32|bf16|auto}, shared by the commands that run the encoders (a picocli mixin). */
final class PrecisionOption {
    @Option(names = "--precision", paramLabel = "fp32|bf16|auto", defaultValue = "fp32",
            description = "Arithmetic of the ONNX encoders: fp32 (default); bf16 = reduced precision, which for "
                    + "ONNX Runtime on x86 is int8 dynamic quantisation (converted in memory at load time); auto = "
                    + "int8 where the CPU has VNNI int8 units, else fp32. The choice is printed.")
    String precision = "fp32";

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

    /** The line that says what was chosen and why. */
    String explain() {
        return EncoderPrecision.explain(asked(), CpuFeatures.current());
    }
}
