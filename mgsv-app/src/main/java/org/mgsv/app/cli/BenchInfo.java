package org.mgsv.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Stats;

/** Machine facts and measurements shared by the benchmark commands. */
final class BenchInfo {
    private BenchInfo() {}

    static String cpuModel() {
        return CpuFeatures.current().model();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Peak resident set size of this process in MB (VmHWM), or -1 where /proc is unavailable. */
    static double peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    String[] f = l.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** libtorch intra-op threads as configured (-Dai.djl.pytorch.num_threads, else the launcher's mgsv.threads). */
    static int threads() {
        String t = System.getProperty("ai.djl.pytorch.num_threads", System.getProperty("mgsv.threads"));
        try {
            return t == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(t.trim());
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    static double median(List<Double> xs) {
        return Stats.median(xs);
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.putAll(CpuFeatures.current().describe());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jvm", jvm());
        m.put("load_average_start", loadAverage());
        return m;
    }

    static List<Double> rounded(List<Double> xs) {
        List<Double> r = new ArrayList<>();
        for (double x : xs) {
            r.add(Math.round(x * 1000) / 1000.0);
        }
        return r;
    }
}
