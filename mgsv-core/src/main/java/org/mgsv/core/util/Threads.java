package org.mgsv.core.util;

/** The default number of worker threads of the CPU-parallel stages (data generation, feature extraction, packing). */
public final class Threads {
    private Threads() {}

    /**
     * The {@code mgsv.threads} system property (the {@code ./mgsv} launcher sets it from {@code MGSV_THREADS}) when it
     * is a number (at least 1), else the number of available processors.
     */
    public static int defaultCount() {
        String p = System.getProperty("mgsv.threads");
        if (p != null) {
            try {
                return Math.max(1, Integer.parseInt(p.trim()));
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
