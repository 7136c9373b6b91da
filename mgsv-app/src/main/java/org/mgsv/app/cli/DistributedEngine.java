package org.mgsv.app.cli;

import java.io.Serializable;
import java.util.List;
import java.util.ServiceLoader;
import org.mgsv.core.MgsvException;

/**
 * A batch engine that runs {@code extract} / {@code index} / {@code annotate} past one process ({@code --engine spark}). The CLI
 * knows only this interface; the implementation lives in its own module (mgsv-spark), found through
 * {@link ServiceLoader} when that module's jars are on the class path, so the plain CLI carries no cluster code.
 * Inputs are strings: local paths or Hadoop FileSystem URIs ({@code file://}, {@code hdfs://}, {@code s3a://}).
 */
public interface DistributedEngine {
    /** What {@code mgsv extract} was asked to do. */
    record ExtractJob(List<String> videos, List<String> music, String out, String encoder, String clip, String ast,
                      boolean downmix, int threadsPerTask) implements Serializable {}

    /** What {@code mgsv index} was asked to add. */
    record IndexJob(String model, List<String> music, String meta, String out, String encoder, String ast,
                    boolean beats, int threadsPerTask) implements Serializable {}

    /**
     * What {@code mgsv annotate} was asked to do once the driver has brought the fingerprint index up to date:
     * executors only read {@code index} (and the library tracks it names, for verification).
     */
    record AnnotateJob(List<String> videos, String index, String out, int minVotes, double minContrast,
                       String split, long seed) implements Serializable {}

    /** Runs an extraction; returns the exit code (0 ok, 2 some inputs failed), as the single-process command. */
    int extract(String master, ExtractJob job);

    /** Indexes tracks into a catalog; returns the exit code (0 ok, 2 some inputs failed). */
    int index(String master, IndexJob job);

    /** Annotates videos against a fingerprint index; returns the exit code (0 ok, 2 some inputs failed). */
    int annotate(String master, AnnotateJob job);

    /** {@code mgsv bench extract --engine …}: prints files/s per master and the scaling; returns the exit code. */
    int benchExtract(List<String> masters, List<String> videos, int repeats);

    /** The engine named {@code name} ("spark"), or an error saying how to get it. */
    static DistributedEngine load(String name) {
        for (DistributedEngine e : ServiceLoader.load(DistributedEngine.class)) {
            if (e.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT).startsWith(name)) {
                return e;
            }
        }
        throw new MgsvException("--engine " + name + ": the " + name + " engine is not on the class path; build it with "
                + "'mvn -B -DskipTests -pl mgsv-" + name + " -am package' (./mgsv then adds mgsv-" + name
                + "/target/lib), or submit mgsv-" + name + "/target/mgsv-" + name + "-*-assembly.jar with spark-submit");
    }
}
