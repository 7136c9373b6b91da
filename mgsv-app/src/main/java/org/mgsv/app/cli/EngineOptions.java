package org.mgsv.app.cli;

import org.mgsv.core.MgsvException;
import picocli.CommandLine.Option;

/** {@code --engine local|spark} and {@code --master}: where a batch command runs ({@code @Mixin}). */
final class EngineOptions {
    @Option(names = "--engine", defaultValue = "local", paramLabel = "local|spark",
            description = "local (this process, default) or spark (a Spark job: embedded local[*], or --master; "
                    + "inputs may then be hdfs:// s3a:// URIs or *.list files of paths/URIs).")
    String engine;

    @Option(names = "--master", paramLabel = "<url>", description = "Spark master with --engine spark: local[2], "
            + "spark://host:7077, k8s://..., yarn (default: spark-submit's, else local[*]).")
    String master;

    /** True for {@code --engine spark}; an unknown engine, or {@code --master} without spark, is an error. */
    boolean spark() {
        if (!engine.equals("local") && !engine.equals("spark")) {
            throw new MgsvException("--engine: '" + engine + "' is not local or spark");
        }
        if (master != null && !engine.equals("spark")) {
            throw new MgsvException("--master needs --engine spark");
        }
        return engine.equals("spark");
    }
}
