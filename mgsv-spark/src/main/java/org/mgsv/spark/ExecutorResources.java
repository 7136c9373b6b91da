package org.mgsv.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Per-JVM holder of expensive objects (encoders, front ends, models): created lazily on first use by any task of
 * an executor, then shared by every later task and record of that executor, and closed when the JVM exits. Keys
 * name everything the object depends on (model path, encoder, threads), so different jobs never share wrongly.
 */
public final class ExecutorResources {
    private static final ConcurrentHashMap<String, Object> HELD = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Integer> CREATED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorResources::closeAll, "mgsv-executor-resources"));
    }

    private ExecutorResources() {}

    /** The object held under {@code key}, made by {@code make} the first time (once per JVM). */
    @SuppressWarnings("unchecked")
    public static <T> T get(String key, Supplier<T> make) {
        return (T) HELD.computeIfAbsent(key, k -> {
            CREATED.merge(k, 1, Integer::sum);
            return make.get();
        });
    }

    /** How many times an object was created under {@code key} in this JVM (tests check "once per executor"). */
    public static int createdCount(String key) {
        return CREATED.getOrDefault(key, 0);
    }

    static void closeAll() {
        for (Object o : HELD.values()) {
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // shutting down: nothing left to report to
                }
            }
        }
        HELD.clear();
    }
}
