package org.mgsv.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point for {@code spark-submit --class org.mgsv.spark.SparkMain mgsv-spark-…-assembly.jar extract|index|annotate …}:
 * the mgsv command line with {@code --engine spark} implied (the master comes from spark-submit).
 */
public final class SparkMain {
    private SparkMain() {}

    public static void main(String[] args) {
        // quiet by default, as ./mgsv (Spark's INFO lines would bury the progress bar)
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (!a.isEmpty() && !a.contains("--engine") && a.stream().noneMatch(s -> s.startsWith("--engine="))) {
            a.add(1, "spark");
            a.add(1, "--engine");
        }
        org.mgsv.app.Main.main(a.toArray(new String[0]));
    }
}
