package org.mgsv.core.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this CPU can do for matrix work: its model name and the instruction-set flags that decide which kernels
 * libtorch (oneDNN) and ONNX Runtime pick — AVX2, AVX-512, AVX512_BF16, AVX512_VNNI and AMX. Read once from
 * {@code /proc/cpuinfo}; on other systems the flags are empty and the model is {@code os.arch}.
 *
 * <p>The one place the benchmarks (which record these facts in every JSON) and the {@code --precision auto}
 * choice ask.
 */
public final class CpuFeatures {
    private static volatile CpuFeatures current;

    private final String model;
    private final Set<String> flags;

    CpuFeatures(String model, Set<String> flags) {
        this.model = model;
        this.flags = Collections.unmodifiableSet(new TreeSet<>(flags));
    }

    /** This machine's features (cached). */
    public static CpuFeatures current() {
        CpuFeatures c = current;
        if (c == null) {
            c = read(Path.of("/proc/cpuinfo"));
            current = c;
        }
        return c;
    }

    /** Parses a {@code /proc/cpuinfo}-format file; an unreadable file gives no flags. */
    public static CpuFeatures read(Path cpuinfo) {
        try {
            return parse(Files.readAllLines(cpuinfo));
        } catch (IOException | RuntimeException e) {
            return new CpuFeatures(System.getProperty("os.arch"), Set.of());
        }
    }

    static CpuFeatures parse(List<String> lines) {
        String model = null;
        Set<String> flags = new TreeSet<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = l.substring(0, colon).trim();
            String value = l.substring(colon + 1).trim();
            if (model == null && key.equals("model name")) {
                model = value;
            } else if (flags.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
                for (String f : value.split("\\s+")) {
                    if (!f.isEmpty()) {
                        flags.add(f);
                    }
                }
            }
        }
        return new CpuFeatures(model == null ? System.getProperty("os.arch") : model, flags);
    }

    public String model() {
        return model;
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    public boolean avx2() {
        return has("avx2");
    }

    public boolean avx512() {
        return has("avx512f");
    }

    /** AVX512_BF16: bfloat16 dot products in the vector units (Intel Cooper Lake and later, AMD Zen 4 and later). */
    public boolean avx512Bf16() {
        return has("avx512_bf16");
    }

    public boolean avx512Vnni() {
        return has("avx512_vnni") || has("avx512vnni");
    }

    /** AVX-VNNI: the 256-bit VEX form of VNNI (Intel Alder Lake and later, AMD Zen 5). */
    public boolean avxVnni() {
        return has("avx_vnni");
    }

    /**
     * Whether uint8 × int8 dot products accumulate in 32 bits without an intermediate that can saturate: x86 with
     * VNNI (AVX512_VNNI, AVX-VNNI) or AMX-INT8, and 64-bit ARM (its dot-product kernels widen first). x86 without
     * VNNI multiplies with {@code VPMADDUBSW}, which adds two u8·s8 products into a saturating int16: full-range
     * int8 weights can overflow it (255·127·2 &gt; 32767), 7-bit weights cannot. Unknown CPUs (no flags) say false,
     * except on aarch64.
     */
    public boolean int8WithoutSaturation() {
        if (has("asimd") || (flags.isEmpty() && "aarch64".equals(System.getProperty("os.arch")))) {
            return true;
        }
        return int8DotUnits();
    }

    /** x86 int8 dot-product units (VPDPBUSD or AMX tiles): AVX512_VNNI, AVX-VNNI or AMX-INT8. */
    public boolean int8DotUnits() {
        return avx512Vnni() || avxVnni() || amxInt8();
    }

    /** AMX tiles for bfloat16 (Intel Sapphire Rapids and later). */
    public boolean amxBf16() {
        return has("amx_bf16");
    }

    public boolean amxInt8() {
        return has("amx_int8");
    }

    /** Whether the CPU has hardware bfloat16 matrix units (AVX512_BF16 or AMX), so bf16 can beat fp32. */
    public boolean bf16Units() {
        return avx512Bf16() || amxBf16();
    }

    /** The facts every benchmark records: model, and each matrix-relevant flag as true/false. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", model);
        m.put("avx2", avx2());
        m.put("avx512f", avx512());
        m.put("avx512_bf16", avx512Bf16());
        m.put("avx512_vnni", avx512Vnni());
        m.put("avx_vnni", avxVnni());
        m.put("amx_bf16", amxBf16());
        m.put("amx_int8", amxInt8());
        m.put("mklDispatch", mklDispatch());
        return m;
    }

    /**
     * How MKL (libtorch's fp32 matrix products) picks its kernels in this process: {@code "cpu features"} when
     * the {@code mgsv} launcher's dispatch shim is loaded (non-Intel CPUs), else {@code "vendor default"} (on
     * CPUs not made by Intel, MKL's generic AVX2 kernels).
     */
    public static String mklDispatch() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.endsWith("libmgsv-mkl-dispatch.so")) {
                    return "cpu features";
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux): the shim is never loaded there
        }
        return "vendor default";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(model);
        for (String f : new String[] {"avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8"}) {
            if (has(f) || (f.equals("avx512_vnni") && avx512Vnni())) {
                sb.append(' ').append(f);
            }
        }
        return sb.toString();
    }
}
