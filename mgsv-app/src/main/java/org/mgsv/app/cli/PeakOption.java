package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.Map;
import org.mgsv.app.bench.MatmulPeak;
import picocli.CommandLine.Option;

/** {@code --peak FILE} of every bench: the measured matmul peak its GFLOP/s are compared with. */
final class PeakOption {
    @Option(names = "--peak", paramLabel = "<peak.json>",
            description = "measured matmul peak (default: the cache file `mgsv bench peak` writes, ~/.cache/mgsv/matmul-peak.json;"
                    + " measured, fp32 only, when absent or from another CPU or thread count)")
    Path file;

    Path path() {
        return file != null ? file : MatmulPeak.defaultFile();
    }

    MatmulPeak.Peak get(int threads) {
        return MatmulPeak.forBench(path(), threads, System.out::println);
    }

    /** Prints "<what>: <flops>, <rate>, <fraction of peak>" and puts the figures in {@code json} under "flops". */
    static void report(String what, MatmulPeak.Peak peak, double flops, double seconds, Map<String, Object> json) {
        System.out.println(what + ": " + peak.describe(flops, seconds));
        json.put("flops", peak.figures(flops, seconds));
    }
}
