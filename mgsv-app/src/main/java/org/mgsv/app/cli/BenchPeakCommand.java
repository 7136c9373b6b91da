package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.MatmulPeak;
import org.mgsv.core.MgsvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv bench peak}: this machine's matrix-multiply peak, the yardstick of every other bench. */
@Command(
        name = "peak",
        mixinStandardHelpOptions = true,
        description = "Measure this machine's matrix-multiply peak through the project's libtorch (fp32, bf16) and "
                + "ONNX Runtime (fp32 MatMul, u8*s8 MatMulInteger), on a large square product and the network's "
                + "typical shapes, at 1 thread and at the configured count. Saves the result where the other benches "
                + "read it (they print their GFLOP/s as a fraction of the fp32 peak) and prints CPU model and matrix "
                + "flags.",
        footer = {
            "",
            "Examples:",
            "  MGSV_THREADS=2 mgsv bench peak",
            "  MGSV_THREADS=2 mgsv bench peak --square 1024 --seconds 0.2 --peak peak.json"
        })
public final class BenchPeakCommand implements Callable<Integer> {
    @Mixin PeakOption peakFile;

    @Option(names = "--square", defaultValue = "2048", description = "size of the square product (default ${DEFAULT-VALUE})")
    int square;

    @Option(names = "--seconds", defaultValue = "0.5", description = "minimum seconds per timing round, 3 rounds per shape (default ${DEFAULT-VALUE})")
    double seconds;

    @Override
    public Integer call() {
        if (square < 16 || seconds <= 0) {
            throw new MgsvException("--square must be >= 16 and --seconds > 0");
        }
        Map<String, Object> machine = BenchInfo.machine();
        int threads = BenchInfo.threads();
        System.out.printf(Locale.ROOT, "machine: %s, %d cores; libtorch threads %d; load %s%n",
                org.mgsv.core.util.CpuFeatures.current(), (int) machine.get("cores"), threads, BenchInfo.loadAverage());
        MatmulPeak.Peak p = MatmulPeak.measure(threads, square, seconds, true, System.out::println);
        System.out.printf(Locale.ROOT, "peak at %d threads: libtorch fp32 %.1f GFLOP/s, bf16 %s; ONNX Runtime fp32 %s, int8 %s; load %s%n",
                threads, p.fp32(), fmt(p.bf16(), "GFLOP/s"), fmt(p.ortFp32(), "GFLOP/s"), fmt(p.ortInt8(), "GOP/s"),
                BenchInfo.loadAverage());
        Path out = peakFile.path();
        MatmulPeak.save(out, p);
        System.out.println("wrote " + out);
        return 0;
    }

    private static String fmt(double v, String unit) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f %s", v, unit);
    }
}
