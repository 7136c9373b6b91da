package org.mgsv.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.mgsv.core.util.ConsoleProgress;

/**
 * The console bar of a batch job, driven by Spark's listener bus: each finished task adds the files it did
 * (from the job's accumulator, merged on the driver before the event is posted); the bar shows files done, rate,
 * ETA, tasks done and failures. Retried task attempts that failed add nothing (their accumulator updates are dropped).
 */
final class ProgressListener extends SparkListener implements AutoCloseable {
    private final ConsoleProgress bar;
    private final LongAccumulator files;
    private final LongAccumulator failed;
    private final int tasks;
    private final long total;
    private final AtomicInteger tasksDone = new AtomicInteger();
    private final AtomicInteger taskFailures = new AtomicInteger();
    private long shown;

    ProgressListener(String label, long total, int tasks, LongAccumulator files, LongAccumulator failed) {
        this.bar = new ConsoleProgress(label, total);
        this.files = files;
        this.failed = failed;
        this.tasks = tasks;
        this.total = total;
        bar.suffix(() -> "tasks " + tasksDone.get() + "/" + tasks
                + (taskFailures.get() > 0 ? ", " + taskFailures.get() + " retried" : "")
                + (this.failed.value() > 0 ? ", " + this.failed.value() + " failed" : ""));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().successful()) {
            tasksDone.incrementAndGet();
        } else {
            taskFailures.incrementAndGet();
        }
        long now = Math.min(files.value(), total);
        synchronized (this) {
            if (now > shown) {
                bar.step(now - shown);
                shown = now;
            }
        }
    }

    int tasks() {
        return tasks;
    }

    @Override
    public void close() {
        bar.close();
    }
}
