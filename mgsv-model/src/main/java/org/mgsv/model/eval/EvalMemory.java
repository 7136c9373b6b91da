package org.mgsv.model.eval;

/**
 * glibc malloc tuning for evaluation. libtorch allocates and frees many activation tensors per chunk; with
 * glibc's adaptive mmap threshold they are soon served from heap arenas whose fragments stay resident. A fixed
 * threshold of 1 MiB (large tensors get their own mapping, returned to the system when freed; small ones stay
 * in the heap) and two arenas keep the resident size near the live tensors without the cost of mapping every
 * small tensor (measured for N = 500: peak RSS 537 → 464 MB at unchanged speed; a 64 KiB threshold cost 35%).
 */
public final class EvalMemory {
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int M_ARENA_MAX = -8;

    private EvalMemory() {}

    /**
     * Applies the tuning unless the MALLOC_MMAP_THRESHOLD_ environment variable already sets it; false where
     * glibc's mallopt is unavailable (then nothing changes). Under {@link org.mgsv.model.MatmulPrecision#BF16}
     * (set before this call) every product adds bf16 copies of its operands and result, three times the
     * allocations of a few MB each; with a 1 MiB threshold each is a fresh mapping whose pages the kernel faults
     * in and zeroes (a quarter of the process's time, measured with perf). There the threshold is 32 MiB and
     * freed blocks stay in the heap for the next chunk (measured N = 500: 6.6 → 5.2 s, peak RSS 0.89 → 1.07 GB).
     */
    public static synchronized boolean tune() {
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
            applied = "MALLOC_MMAP_THRESHOLD_ from the environment";
            return true;
        }
        int threshold = org.mgsv.model.MatmulPrecision.current() == org.mgsv.model.MatmulPrecision.BF16
                ? 32 << 20 : 1 << 20;
        boolean ok = System.getenv("MALLOC_ARENA_MAX") != null
                ? mallopt(M_MMAP_THRESHOLD, threshold)
                : mallopt(M_MMAP_THRESHOLD, threshold, M_ARENA_MAX, 2);
        if (threshold > 1 << 20 && System.getenv("MALLOC_TRIM_THRESHOLD_") == null) {
            ok &= mallopt(M_TRIM_THRESHOLD, 256 << 20);
        }
        applied = "mmap threshold " + (threshold >> 20) + " MiB" + (threshold > 1 << 20 ? ", trim threshold 256 MiB" : "")
                + (System.getenv("MALLOC_ARENA_MAX") != null ? "" : ", 2 arenas");
        return ok;
    }

    private static volatile String applied = "glibc default";

    /** What {@link #tune()} set, for reports ("glibc default" before it ran or where the environment sets it). */
    public static String applied() {
        return applied;
    }

    /**
     * The opposite trade for latency (search, grounding, the server): a query allocates the same few large tensors
     * each time (a 100-track shortlist is 9.8 MB of tokens); with glibc's defaults they are often fresh mappings or
     * trimmed heap, paged in again on every query. A 32 MiB mmap threshold (glibc's maximum) and a 256 MiB trim
     * threshold keep freed blocks in the heap for the next query: resident memory stays at the largest query's
     * working set. Skipped when MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ is set; false where glibc's mallopt
     * is unavailable (then nothing changes).
     */
    public static synchronized boolean tuneForLatency() {
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_TRIM_THRESHOLD_") != null) {
            return true;
        }
        return mallopt(M_MMAP_THRESHOLD, 32 << 20, M_TRIM_THRESHOLD, 256 << 20);
    }

    /** glibc's mallopt for each (parameter, value) pair, in order; true iff every call succeeded. */
    private static boolean mallopt(int... pairs) {
        try {
            com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
            boolean ok = true;
            for (int i = 0; i < pairs.length; i += 2) {
                ok &= f.invokeInt(new Object[] {pairs[i], pairs[i + 1]}) == 1;
            }
            return ok;
        } catch (Throwable t) {
            return false;
        }
    }
}
