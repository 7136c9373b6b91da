package org.mgsv.app.server;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's heavy work (grounding, previews, renders) on a bounded pool: {@code workers} threads and a queue
 * of {@code queue} waiting tasks; a task that finds the queue full is answered 503, one that runs past the
 * request timeout 504, and a failure maps to the status the client should see.
 */
final class WorkQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroundingServer.class);

    private final ThreadPoolExecutor workers;
    private final Duration requestTimeout;

    WorkQueue(int workers, int queue, Duration requestTimeout) {
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                Threads.daemonFactory("mgsv-ground"));
        this.requestTimeout = requestTimeout;
    }

    /** Runs {@code task} on a worker and waits for it at most the request timeout. */
    <T> T run(Callable<T> task) {
        Future<T> f;
        try {
            f = workers.submit(task);
        } catch (RejectedExecutionException e) {
            throw new HttpError(503, "server busy: too many requests in progress, try again shortly");
        }
        try {
            return f.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpError(504, "request took longer than " + requestTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new HttpError(503, "interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpError h) {
                throw h;
            }
            if (c instanceof MgsvException || c instanceof UncheckedIOException) {
                // decoding failures of an accepted container: truncated or corrupt media
                throw new HttpError(422, "cannot process the video: " + GroundingServer.clean(c.getMessage()));
            }
            LOG.warn("request failed", c);
            throw new HttpError(500, "internal error: " + c.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
