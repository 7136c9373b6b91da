package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Precision;

/** What {@code --precision} chooses for the model on CPUs with and without bf16 units. */
class MatmulPrecisionTest {
    static CpuFeatures cpu(Path dir, String flags) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "model name\t: Test CPU\nflags\t\t: " + flags + "\n");
        return CpuFeatures.read(f);
    }

    @Test
    void fp32IsFp32AndAutoWithoutBf16UnitsIsFp32(@TempDir Path dir) throws IOException {
        CpuFeatures plain = cpu(dir, "sse2 avx2 avx512f");
        assertEquals(MatmulPrecision.FP32, MatmulPrecision.choose(Precision.FP32, plain).precision());
        MatmulPrecision.Choice auto = MatmulPrecision.choose(Precision.AUTO, plain);
        assertEquals(MatmulPrecision.FP32, auto.precision());
        assertTrue(auto.line().contains("no AVX512_BF16 or AMX"), auto.line());
    }

    @Test
    void bf16RunsEvenWithoutUnitsAndSaysItIsSlow(@TempDir Path dir) throws IOException {
        MatmulPrecision.Choice c = MatmulPrecision.choose(Precision.BF16, cpu(dir, "sse2 avx2"));
        assertEquals(MatmulPrecision.BF16, c.precision());
        assertTrue(c.line().contains("emulated and slower"), c.line());
    }

    @Test
    void autoWithBf16UnitsFollowsTheProbe(@TempDir Path dir) throws IOException {
        MatmulPrecision.Choice c = MatmulPrecision.choose(Precision.AUTO, cpu(dir, "avx512f avx512_bf16"));
        System.out.println(c.line());
        assertTrue(c.line().contains("probe product fp32"), c.line());
    }
}
