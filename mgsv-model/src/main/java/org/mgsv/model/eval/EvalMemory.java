package org.mgsv.model.eval;

/**
 * glibc malloc tuning for evaluation. libtorch allocates and frees many activation tensors per chunk; with
 * glibc's adaptive mmap threshold they are soon served from heap arenas whose fragments stay resident, and with
 * a low fixed threshold every large tensor is a fresh mapping whose pages the kernel faults in and zeroes on
 * every chunk. A fixed threshold of 8 MiB (every activation of a pass-1 chunk — the widest, [8, 146, 1024], is
 * 4.8 MB — is reused from the heap; only larger blocks get their own mapping), a trim threshold of 64 MiB and two
 * arenas keep the resident size near the live tensors (measured for N = 2000, 2 threads, two runs each: 1 MiB
 * threshold 17.9–20.4 s at 0.94 GB peak RSS; 8 MiB with 64 MiB trim 13.1–15.2 s at 0.95 GB; 32 MiB with 256 MiB
 * trim the same speed at 1.04 GB).
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
     * allocations of a few MB each; there the threshold is 32 MiB and the trim threshold 256 MiB (measured N = 500:
     * 6.6 → 5.2 s against a 1 MiB threshold, peak RSS 0.89 → 1.07 GB).
     */
    public static synchronized boolean tune() {
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
            applied = "MALLOC_MMAP_THRESHOLD_ from the environment";
            return true;
        }
        boolean bf16 = org.mgsv.model.MatmulPrecision.current() == org.mgsv.model.MatmulPrecision.BF16;
        int threshold = bf16 ? 32 << 20 : 8 << 20;
        int trim = bf16 ? 256 << 20 : 64 << 20;
        boolean ok = System.getenv("MALLOC_ARENA_MAX") != null
                ? mallopt(M_MMAP_THRESHOLD, threshold)
                : mallopt(M_MMAP_THRESHOLD, threshold, M_ARENA_MAX, 2);
        boolean setTrim = System.getenv("MALLOC_TRIM_THRESHOLD_") == null;
        if (setTrim) {
            ok &= mallopt(M_TRIM_THRESHOLD, trim);
        }
        applied = "mmap threshold " + (threshold >> 20) + " MiB" + (setTrim ? ", trim threshold " + (trim >> 20) + " MiB" : "")
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
