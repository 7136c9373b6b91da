package org.mgsv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.util.CpuFeatures;

/** Machine facts and measurements shared by the benchmark commands. */
public final class BenchInfo {
    private BenchInfo() {}

    public static String cpuModel() {
        return CpuFeatures.current().model();
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Peak resident set size of this process in MB (VmHWM), or -1 where /proc is unavailable. */
    public static double peakRssMb() {
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
    public static int threads() {
        String t = System.getProperty("ai.djl.pytorch.num_threads", System.getProperty("mgsv.threads"));
        try {
            return t == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(t.trim());
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    public static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.putAll(CpuFeatures.current().describe());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jvm", jvm());
        m.put("load_average_start", loadAverage());
        m.put("openmp", openMp());
        return m;
    }

    /** How libtorch's OpenMP threads wait (the launcher's defaults unless overridden): policy and spin count. */
    public static String openMp() {
        String policy = System.getenv("OMP_WAIT_POLICY");
        String spin = System.getenv("GOMP_SPINCOUNT");
        return "OMP_WAIT_POLICY=" + (policy == null ? "unset" : policy) + " GOMP_SPINCOUNT="
                + (spin == null ? "unset" : spin);
    }

    /** The machine section of {@code mgsv bench extract}'s JSON: CPU, its flags, cores, threads, JVM, load. */
    public static Map<String, Object> mediaMachine(int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cpuFlags", CpuFeatures.current().describe());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threads", threads);
        m.put("jvm", jvm());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        // other processes on the machine slow the figures down: record how busy it was
        m.put("loadAverage1m", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return m;
    }

    public static List<Double> rounded(List<Double> xs) {
        List<Double> r = new ArrayList<>();
        for (double x : xs) {
            r.add(Math.round(x * 1000) / 1000.0);
        }
        return r;
    }
}
