package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.Map;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.MatmulPeak;
import picocli.CommandLine.Option;

/** {@code --peak FILE} of every bench: the measured matmul peak its GFLOP/s are compared with. */
final class PeakOption {
    @Option(names = "--peak", paramLabel = "<peak.json>",
            description = "measured matmul peak (default: the cache file `mgsv bench peak` writes, $XDG_CACHE_HOME or"
                    + " ~/.cache, then mgsv/matmul-peak.json, one peak per CPU, thread count and MKL dispatch; measured, fp32"
                    + " only, when it holds none for this process)")
    Path file;

    @Option(names = "--peak-now",
            description = "measure the libtorch fp32 peak in this process just before the timed work (nothing cached): on a"
                    + " shared machine the fraction of peak then compares two figures taken under the same load")
    boolean now;

    Path path() {
        return file != null ? file : MatmulPeak.defaultFile();
    }

    MatmulPeak.Peak get(int threads) {
        if (now) {
            MatmulPeak.Peak p = MatmulPeak.measure(threads, 2048, 0.3, false, s -> { });
            System.out.printf(java.util.Locale.ROOT, "fp32 matmul peak measured now: %.1f GFLOP/s (%d threads, load %s)%n",
                    p.fp32(), threads, BenchInfo.loadAverage());
            return p;
        }
        return MatmulPeak.forBench(path(), threads, System.out::println);
    }

    /** Prints "<what>: <flops>, <rate>, <fraction of peak>" and puts the figures in {@code json} under "flops". */
    static void report(String what, MatmulPeak.Peak peak, double flops, double seconds, Map<String, Object> json) {
        System.out.println(peak.report(what, flops, seconds, json));
    }
}
