package org.mgsv.model.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc malloc tuning for training. libtorch allocates and frees many large activation tensors per step; glibc's
 * adaptive mmap threshold soon serves them from the heap, whose fragments stay resident, so the process keeps
 * gigabytes it no longer uses. Pinning the threshold (as the {@code MALLOC_MMAP_THRESHOLD_} environment variable
 * would) makes every large tensor its own mapping, returned to the system when freed: the resident size then
 * follows the live tensors (measured: batch 128 in slices of 32, peak RSS 2.5 GB → 1.8 GB).
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int M_ARENA_MAX = -8;

    private NativeMemory() {}

    /** Applies the tuning once; returns false where glibc's mallopt is unavailable (then nothing changes). */
    public static synchronized boolean returnFreedTensorsToTheSystem() {
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
            return true;
        }
        try {
            com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
            int ok = f.invokeInt(new Object[] {M_MMAP_THRESHOLD, 64 * 1024});
            // one arena per compute thread keeps freed chunks per thread: two arenas are enough here
            int ok2 = System.getenv("MALLOC_ARENA_MAX") != null ? 1 : f.invokeInt(new Object[] {M_ARENA_MAX, 2});
            return ok == 1 && ok2 == 1;
        } catch (Throwable t) {
            LOG.debug("mallopt unavailable: {}", t.toString());
            return false;
        }
    }
}
