package org.mgsv.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mgsv.core.util.Threads;

/**
 * Java-side element-wise work beside libtorch's (optimizer updates, dropout masks), spread over as many threads as
 * libtorch's intra-op pool has: {@code --threads 1} keeps it on the calling thread, as it keeps libtorch on one.
 * The work is cut into numbered chunks whose results do not depend on which thread runs them, so the output is the
 * same for every thread count.
 */
public final class HostParallel {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(Threads.daemonFactory("mgsv-host"));

    /** Each thread's scratch arrays for {@link #reusedFloats}, kept between calls. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[0][]);

    private HostParallel() {}

    /**
     * This thread's {@code slots} scratch arrays of at least {@code length} floats each, the same arrays on every
     * call (grown when a longer one is asked for): a training step runs these loops for every parameter and every
     * mask, and fresh arrays each time cost the Java heap about 60 MB a step of new pages to fault in and collect.
     * For a {@link #ranges} scratch supplier ({@code k -> reusedFloats(1, k)[0]}); the contents are whatever the
     * last user left, and a chunk must not hand them to another chunk of work on the same thread.
     */
    public static float[][] reusedFloats(int slots, int length) {
        float[][] s = SCRATCH.get();
        if (s.length < slots) {
            s = java.util.Arrays.copyOf(s, slots);
            SCRATCH.set(s);
        }
        for (int i = 0; i < slots; i++) {
            if (s[i] == null || s[i].length < length) {
                s[i] = new float[length];
            }
        }
        return s;
    }

    /** A chunk's work; {@code scratch} is the running thread's own (from the supplier given to {@link #run}). */
    @FunctionalInterface
    public interface Chunk<S> {
        void run(int chunk, S scratch);
    }

    /** The work on elements [from, from + len) of chunk {@code chunk}; {@code scratch} as in {@link Chunk}. */
    @FunctionalInterface
    public interface Range<S> {
        void run(int chunk, int from, int len, S scratch);
    }

    /**
     * Runs elements 0 … {@code n − 1} in consecutive ranges of {@code size} (the last one shorter), each range a
     * chunk of {@link #run}; {@code scratch} gets the length of the longest range.
     */
    public static <S> void ranges(long n, int size, java.util.function.IntFunction<S> scratch, Range<S> body) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " elements: more than an int index");
        }
        int len = (int) n;
        int longest = Math.min(size, len);
        run((len + size - 1) / size, () -> scratch.apply(longest), (c, s) -> {
            int from = c * size;
            body.run(c, from, Math.min(size, len - from), s);
        });
    }

    /** Runs chunks 0 … {@code chunks − 1}, the calling thread among the workers; returns when all are done. */
    public static <S> void run(int chunks, Supplier<S> scratch, Chunk<S> body) {
        int workers = Math.min(chunks, Math.max(1, JniUtils.getNumThreads()));
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            S s = scratch.get();
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                body.run(c, s);
            }
        };
        List<Future<?>> others = new ArrayList<>(Math.max(0, workers - 1));
        for (int i = 1; i < workers; i++) {
            others.add(POOL.submit(work));
        }
        RuntimeException failure = null;
        try {
            work.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
