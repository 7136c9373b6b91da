package org.mgsv.spark;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/**
 * {@code --engine spark}: runs the batch commands as Spark jobs. Master: {@code --master} if given, else the one
 * {@code spark-submit} set ({@code spark.master}), else embedded {@code local[*]} (in this process, offline). A
 * context that is already running (a notebook, a test) is used and left running.
 */
public final class SparkEngine implements DistributedEngine {
    /** Minutes of work per partition (override with -Dmgsv.spark.partitionMinutes). */
    static double partitionMinutes() {
        return Double.parseDouble(System.getProperty("mgsv.spark.partitionMinutes", "5"));
    }

    private static volatile JavaSparkContext given;

    /** Runs later jobs of this JVM on {@code sc} (an application's or a test's context; null: make one per job). */
    public static void useContext(JavaSparkContext sc) {
        given = sc;
    }

    /** A context for {@code master}: the one given to {@link #useContext}, else a new one (and whether we own it). */
    static JavaSparkContext context(String master, boolean[] owned) {
        JavaSparkContext g = given;
        if (g != null && !g.sc().isStopped()) {
            owned[0] = false;
            return g;
        }
        SparkConf conf = new SparkConf().setAppName("mgsv");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            // embedded: no network needed, no console stage bar (ours replaces it)
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        owned[0] = true;
        return new JavaSparkContext(conf);
    }

    private static int runJob(String master, BatchJob job, PrintStream out) {
        boolean[] owned = {false};
        JavaSparkContext sc = context(master, owned);
        try {
            BatchRunner.Result r = new BatchRunner(sc, partitionMinutes(), out).run(job);
            out.printf(Locale.ROOT, "%s (spark %s, %s): %d file(s) done, %d already done, %d failed, %d partition(s)%n",
                    job.name(), sc.version(), sc.master(), r.processed(), r.done(), r.rejects().size(), r.partitions());
            if (!r.rejects().isEmpty()) {
                out.println("rejects: " + job.rejectsFile());
            }
            return r.exitCode();
        } finally {
            if (owned[0]) {
                sc.stop();
            }
        }
    }

    @Override
    public int extract(String master, ExtractJob job) {
        return runJob(master, new SparkExtract(job), System.out);
    }

    @Override
    public int index(String master, IndexJob job) {
        return runJob(master, new SparkIndex(job), System.out);
    }

    @Override
    public int annotate(String master, AnnotateJob job) {
        return runJob(master, new SparkAnnotate(job), System.out);
    }

    @Override
    public int benchExtract(List<String> masters, List<String> videos, int repeats) {
        List<String> ms = masters.isEmpty() ? List.of("local[1]", "local[2]") : masters;
        List<double[]> rates = new ArrayList<>();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        for (String m : ms) {
            boolean[] owned = {false};
            JavaSparkContext sc = context(m, owned);
            if (!owned[0]) {
                throw new MgsvException("bench: a Spark context is already running; the bench needs its own");
            }
            try {
                double[] r = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    Path out = Files.createTempDirectory("mgsv-bench-spark-");
                    try {
                        SparkExtract job = new SparkExtract(new ExtractJob(videos, List.of(), out.toString(), "builtin",
                                null, null, false, 1));
                        long t0 = System.nanoTime();
                        BatchRunner.Result res = new BatchRunner(sc, partitionMinutes(), new PrintStream(
                                java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)).run(job);
                        double s = (System.nanoTime() - t0) / 1e9;
                        r[i] = res.processed() / s;
                    } finally {
                        AtomicFiles.deleteRecursively(out);
                    }
                }
                java.util.Arrays.sort(r);
                rates.add(r);
                System.out.printf(Locale.ROOT, "%-10s %6.2f files/s (median of %d; min %.2f, max %.2f)%n", m,
                        r[r.length / 2], repeats, r[0], r[r.length - 1]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                sc.stop();
            }
        }
        if (rates.size() >= 2) {
            double a = rates.get(0)[rates.get(0).length / 2];
            double b = rates.get(rates.size() - 1)[rates.get(rates.size() - 1).length / 2];
            System.out.printf(Locale.ROOT, "scaling %s → %s: %.2fx%n", ms.get(0), ms.get(ms.size() - 1), b / a);
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, load average %.2f at start, %.2f at end%n",
                Runtime.getRuntime().availableProcessors(), load,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return 0;
    }
}
