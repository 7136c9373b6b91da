package org.mgsv.model;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tensors that DJL creates from Java arrays keep their data in direct ByteBuffers, which the JVM frees only
 * when the buffer objects are garbage-collected. Long loops that create many such tensors but little Java
 * garbage can therefore hold hundreds of MB of unreachable native memory. {@link #release(long)} asks for a
 * collection once the direct pool exceeds a threshold, which keeps the process's memory bounded.
 */
public final class DirectBuffers {
    private DirectBuffers() {}

    /** Bytes currently held by direct buffers (reachable or not yet collected). */
    public static long used() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        return 0;
    }

    /** Runs a garbage collection when more than {@code thresholdBytes} are held by direct buffers. */
    public static void release(long thresholdBytes) {
        if (used() > thresholdBytes) {
            System.gc();
        }
    }
}
