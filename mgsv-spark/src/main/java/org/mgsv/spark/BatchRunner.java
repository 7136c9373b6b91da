package org.mgsv.spark;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.CsvLine;

/**
 * Runs a {@link BatchJob} on a Spark context: plans on the driver, spreads the items over partitions of about
 * {@code partitionMinutes} of work each, processes them on executors (a bad input becomes a reject, never a task
 * failure; any other error fails the task, which Spark retries up to {@code spark.task.maxFailures}), shows a
 * progress bar, writes the rejects table and asks the job to publish. Returns the exit code: 0, or 2 when any
 * input failed (as the single-process commands).
 */
public final class BatchRunner {
    /** A test-only fault-injection point, called on executors of this JVM (local mode) before each commit. */
    public interface FaultHook {
        void beforeCommit(int partition, int attempt, int itemInPartition, WorkItem item);
    }

    /** An injected failure: fails the whole task (so Spark retries it) instead of rejecting the item. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super(message);
        }
    }

    static volatile FaultHook faultHook = (p, a, i, w) -> {};

    /** Installs a fault hook (tests; null removes it). */
    public static void faultHook(FaultHook hook) {
        faultHook = hook == null ? (p, a, i, w) -> {} : hook;
    }

    private final JavaSparkContext sc;
    private final double partitionMinutes;
    private final PrintStream out;

    public BatchRunner(JavaSparkContext sc, double partitionMinutes, PrintStream out) {
        this.sc = sc;
        this.partitionMinutes = partitionMinutes;
        this.out = out;
    }

    /** What a run did. */
    public record Result(int processed, int done, List<Outcome> rejects, int partitions) {
        public int exitCode() {
            return rejects.isEmpty() ? 0 : 2;
        }
    }

    /** Partitions for {@code n} items: each about {@code partitionMinutes} of work, at least two per core. */
    static int partitions(int n, double secondsPerItem, double partitionMinutes, int parallelism) {
        if (n == 0) {
            return 0;
        }
        int perPartition = (int) Math.max(1, Math.floor(partitionMinutes * 60 / Math.max(1e-6, secondsPerItem)));
        int byTime = (n + perPartition - 1) / perPartition;
        return Math.max(byTime, Math.min(n, 2 * parallelism));
    }

    public Result run(BatchJob job) {
        BatchJob.Plan plan = job.plan();
        List<WorkItem> todo = plan.todo();
        int parts = partitions(todo.size(), job.secondsPerItem(), partitionMinutes, sc.defaultParallelism());
        List<Outcome> outcomes = new ArrayList<>();
        if (!todo.isEmpty()) {
            LongAccumulator filesDone = sc.sc().longAccumulator("mgsv." + job.name() + ".files");
            LongAccumulator filesFailed = sc.sc().longAccumulator("mgsv." + job.name() + ".failed");
            ProgressListener bar = new ProgressListener(job.name(), todo.size(), parts, filesDone, filesFailed);
            sc.sc().addSparkListener(bar);
            sc.setJobDescription("mgsv " + job.name() + ": " + todo.size() + " file(s) in " + parts + " partition(s)");
            try {
                outcomes.addAll(sc.parallelize(todo, parts)
                        .mapPartitions(it -> processPartition(job, it, filesDone, filesFailed))
                        .collect());
            } catch (Exception e) { // SparkException (checked in Scala's eyes, thrown anyway) and runtime errors
                awaitRunningTasks();
                throw new MgsvException("spark job '" + job.name() + "' failed (rerun to resume: committed files are kept): "
                        + rootMessage(e), e);
            } finally {
                sc.sc().removeSparkListener(bar);
                bar.close();
            }
        }
        List<WorkItem> ok = new ArrayList<>();
        List<Outcome> rejects = new ArrayList<>(plan.rejected());
        for (Outcome o : outcomes) {
            if (o.ok()) {
                ok.add(o.item());
            } else {
                rejects.add(o);
            }
        }
        job.finish(ok);
        writeRejects(job, rejects);
        for (Outcome r : rejects) {
            out.println("failed: " + r.item().source() + ": " + r.reason());
        }
        return new Result(ok.size(), plan.done(), rejects, parts);
    }

    /**
     * After a failed job Spark returns while other tasks of it may still run (they are not interrupted): wait for
     * them (up to 2 minutes), so that no stale attempt still writes when the caller reruns or exits.
     */
    private void awaitRunningTasks() {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            int running = 0;
            for (org.apache.spark.SparkExecutorInfo x : sc.sc().statusTracker().getExecutorInfos()) {
                running += x.numRunningTasks();
            }
            if (running == 0) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Iterator<Outcome> processPartition(BatchJob job, Iterator<WorkItem> it, LongAccumulator filesDone,
                                                      LongAccumulator filesFailed) {
        TaskContext tc = TaskContext.get();
        int partition = tc.partitionId();
        int attemptNo = tc.attemptNumber();
        String attempt = "s" + tc.stageId() + "p" + partition + "a" + attemptNo + "t" + tc.taskAttemptId();
        List<Outcome> res = new ArrayList<>();
        int k = 0;
        while (it.hasNext()) {
            WorkItem w = it.next();
            int index = k++;
            try {
                job.process(w, attempt, () -> faultHook.beforeCommit(partition, attemptNo, index, w));
                res.add(Outcome.ok(w));
            } catch (InjectedFault | OutOfMemoryError e) {
                throw e;
            } catch (Exception e) {
                res.add(Outcome.failed(w, reason(w, e)));
                filesFailed.add(1);
            }
            filesDone.add(1);
        }
        return res.iterator();
    }

    static String reason(WorkItem w, Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String prefix : new String[] {w.source() + ": ", w.source()}) {
            if (msg.startsWith(prefix)) {
                msg = msg.substring(prefix.length()).replaceFirst("^[:\\s]+", "");
                break;
            }
        }
        if (!(e instanceof MgsvException) && !(e instanceof java.io.UncheckedIOException)) {
            msg = e.getClass().getSimpleName() + ": " + msg;
        }
        return msg;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = e instanceof SparkException ? e.getMessage() : t.getMessage();
        if (m == null) {
            m = t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    /** The rejects table: {@code kind,file,reason}, one row per failed input of the last run (removed when none). */
    private static void writeRejects(BatchJob job, List<Outcome> rejects) {
        String file = job.rejectsFile();
        if (rejects.isEmpty()) {
            if (HadoopFiles.exists(file)) {
                HadoopFiles.delete(file);
            }
            return;
        }
        StringBuilder sb = new StringBuilder("kind,file,reason\n");
        for (Outcome r : rejects) {
            sb.append(CsvLine.join(r.item().kind(), r.item().source(), r.reason().replace('\n', ' '))).append('\n');
        }
        HadoopFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8), "driver");
    }
}
