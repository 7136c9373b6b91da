package org.mgsv.core.util;

import java.util.Locale;

/**
 * The {@code --precision} a command was asked for: {@code fp32} (the default), {@code bf16} (reduced precision
 * where the work runs in it), or {@code auto} (reduced precision only where the CPU has units that make it win,
 * decided from {@link CpuFeatures}). What reduced precision means is up to each part: the ONNX encoders map it to
 * int8 (their {@code EncoderPrecision}).
 */
public enum Precision {
    FP32,
    BF16,
    AUTO;

    /** Parses fp32|bf16|auto (case-insensitive); anything else is an error naming the accepted values. */
    public static Precision parse(String s) {
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not fp32, bf16 or auto");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
