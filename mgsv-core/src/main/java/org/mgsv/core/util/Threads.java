package org.mgsv.core.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker threads: the default number of the CPU-parallel stages (data generation, feature extraction, packing,
 * search) and the factory of the daemon threads every pool of the project runs on.
 */
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

    /**
     * A factory of daemon threads named {@code name-1}, {@code name-2}, ...: pools of workers that must never keep
     * the JVM alive after the command is done.
     */
    public static ThreadFactory daemonFactory(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
