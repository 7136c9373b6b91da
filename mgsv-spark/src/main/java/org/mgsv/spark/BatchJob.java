package org.mgsv.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One batch command as a Spark job; {@link BatchRunner} does the rest (partitioning, retries, progress, rejects,
 * exit code). A command plugs in with one implementation: {@link #plan} on the driver lists the work and drops what
 * is already done, {@link #process} runs on an executor and commits one item idempotently (same bytes on every
 * attempt, visible only by rename), {@link #finish} on the driver merges the committed items into the command's
 * published output. The job object is shipped to executors, so it holds only serializable settings; heavy state
 * (encoders, models) comes from {@link ExecutorResources}.
 */
public interface BatchJob extends Serializable {
    /** The command's name ("extract", "index"), for the progress bar and the rejects table. */
    String name();

    /** Driver: the inputs still to do (done ones left out), and how many were skipped as done. */
    Plan plan();

    /**
     * Executor: computes and commits one item; throws (with a message naming the file) when the input is bad.
     * {@code attempt} identifies the task attempt, for temporary names; {@code beforeCommit} runs once between
     * the computation and the commit (a fault-injection point for tests).
     */
    void process(WorkItem item, String attempt, Runnable beforeCommit) throws Exception;

    /** Driver: publishes what the items committed (index CSVs, catalog parts); {@code ok} are the items that succeeded. */
    void finish(List<WorkItem> ok);

    /** Seconds one item of this job is expected to take on one core (sizes the partitions). */
    double secondsPerItem();

    /** Where the rejects table goes (a Hadoop URI or local path). */
    String rejectsFile();

    /** The driver's plan: items to process, items already done, inputs rejected before any work. */
    record Plan(List<WorkItem> todo, int done, List<Outcome> rejected) {}
}
