package org.mgsv.annotate;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Threads;

/** The helper threads one query's work is shared with (see {@link Matcher}), and waiting for their results. */
final class Parallel {
    private Parallel() {}

    /**
     * {@code threads − 1} daemon helpers for a query analysed on {@code threads} threads in all (null for one); idle
     * helpers end after a few seconds, so a matcher that is no longer used holds no threads.
     */
    static ExecutorService helpers(int threads) {
        if (threads <= 1) {
            return null;
        }
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads - 1, threads - 1, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Threads.daemonFactory("annotate-query"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The task's result; its failure rethrown as it was (unchecked) or wrapped. */
    static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MgsvException("interrupted while matching");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new MgsvException("matching failed: " + e.getCause(), e.getCause());
        }
    }
}
