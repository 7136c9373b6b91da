package org.mgsv.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Medians, nearest-rank percentiles and the daemon thread factory. */
class StatsTest {
    @Test
    void medianAndPercentiles() {
        assertEquals(2.0, Stats.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertTrue(Double.isNaN(Stats.median(new double[0])));
        double[] x = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
        assertEquals(5.0, Stats.percentile(x, 50));
        assertEquals(10.0, Stats.percentile(x, 95));
        assertEquals(1.0, Stats.percentile(x, 1));
        assertEquals(10.0, Stats.percentile(x, 100));
        assertTrue(Double.isNaN(Stats.percentile(new double[0], 50)));
    }

    @Test
    void daemonFactoryNamesAndNeverHoldsTheJvm() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, Threads.daemonFactory("work"));
        try {
            Thread t = pool.submit(Thread::currentThread).get();
            assertTrue(t.isDaemon());
            assertTrue(t.getName().startsWith("work-"), t.getName());
        } finally {
            pool.shutdownNow();
        }
    }
}
