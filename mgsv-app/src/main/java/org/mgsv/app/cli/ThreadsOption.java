package org.mgsv.app.cli;

import org.mgsv.core.util.Threads;
import picocli.CommandLine.Option;

/** {@code --threads}: the worker threads of a command's CPU-parallel stages ({@code @Mixin}). */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "<n>",
            description = "Worker threads (default: MGSV_THREADS, -Dmgsv.threads, else the number of cores).")
    Integer threads;

    /** The threads given (at least 1), else {@link Threads#defaultCount()}. */
    int count() {
        return threads != null ? Math.max(1, threads) : Threads.defaultCount();
    }

    /** The threads given (at least 1), else {@code fallback} (a Spark job's per-task default is 1). */
    int orElse(int fallback) {
        return threads != null ? Math.max(1, threads) : fallback;
    }
}
