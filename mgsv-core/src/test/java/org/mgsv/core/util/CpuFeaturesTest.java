package org.mgsv.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {
    @Test
    void zen4HasBf16VectorUnitsButNoAmx() {
        CpuFeatures c = CpuFeatures.parse(List.of(
                "processor\t: 0",
                "model name\t: AMD EPYC 9R14 96-Core Processor",
                "flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni",
                "processor\t: 1",
                "model name\t: something else",
                "flags\t\t: fpu"));
        assertEquals("AMD EPYC 9R14 96-Core Processor", c.model());
        assertTrue(c.avx512Bf16());
        assertTrue(c.avx512Vnni());
        assertFalse(c.amxBf16());
        assertTrue(c.bf16Units());
        assertTrue(c.int8WithoutSaturation());
        Map<String, Object> d = c.describe();
        assertEquals(Boolean.TRUE, d.get("avx512_bf16"));
        assertEquals(Boolean.FALSE, d.get("amx_bf16"));
    }

    @Test
    void sapphireRapidsHasAmx() {
        CpuFeatures c = CpuFeatures.parse(List.of("model name : Intel(R) Xeon(R) Platinum 8488C",
                "flags : avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8"));
        assertTrue(c.amxBf16());
        assertTrue(c.amxInt8());
        assertTrue(c.bf16Units());
    }

    @Test
    void olderCpuHasNoBf16Units(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "model name : Intel(R) Xeon(R) CPU E5-2680 v4\nflags : sse2 avx avx2 fma\n");
        CpuFeatures c = CpuFeatures.read(f);
        assertTrue(c.avx2());
        assertFalse(c.avx512());
        assertFalse(c.bf16Units());
        assertFalse(c.int8WithoutSaturation(), "AVX2 without VNNI: VPMADDUBSW saturates int16");
    }

    @Test
    void int8SaturationDependsOnVnniOrArm() {
        assertTrue(CpuFeatures.parse(List.of("flags : avx2 avx_vnni")).int8WithoutSaturation(), "Alder Lake");
        assertTrue(CpuFeatures.parse(List.of("flags : avx2 amx_int8")).int8WithoutSaturation());
        assertFalse(CpuFeatures.parse(List.of("flags : avx2 avx512f avx512bw")).int8WithoutSaturation(), "Skylake-X");
        assertTrue(CpuFeatures.parse(List.of("Features : fp asimd evtstrm aes")).int8WithoutSaturation(), "ARM");
        assertEquals("aarch64".equals(System.getProperty("os.arch")), CpuFeatures.parse(List.of()).int8WithoutSaturation(),
                "no flags: safe (7-bit) unless on aarch64");
    }

    @Test
    void unreadableFileGivesNoFlags(@TempDir Path dir) {
        CpuFeatures c = CpuFeatures.read(dir.resolve("absent"));
        assertFalse(c.bf16Units());
        assertEquals(System.getProperty("os.arch"), c.model());
    }
}
