package org.mgsv.media.encode.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Locale;

/**
 * ONNX Runtime session settings of an encoder: intra-op threads, graph optimisation level, CPU memory arena,
 * whether idle pool threads spin, and sequential or parallel execution of independent nodes.
 *
 * <p>{@link #defaults}: all graph optimisations, the memory arena on, sequential execution, and pool threads that
 * do not spin (spinning threads compete with other processes for the cores). {@code mgsv bench extract
 * --real-size --tune} times each setting against these defaults on the real-size CLIP model.
 */
public record OrtOptions(int threads, OrtSession.SessionOptions.OptLevel optLevel, boolean memoryArena,
                         boolean spinning, boolean parallel) {

    /** The measured defaults with {@code threads} intra-op threads (0 = ONNX Runtime's own choice). */
    public static OrtOptions defaults(int threads) {
        return new OrtOptions(threads, OrtSession.SessionOptions.OptLevel.ALL_OPT, true, false, false);
    }

    public OrtOptions withThreads(int t) {
        return new OrtOptions(t, optLevel, memoryArena, spinning, parallel);
    }

    OrtSession.SessionOptions toSessionOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            if (threads > 0) {
                o.setIntraOpNumThreads(threads);
                o.setInterOpNumThreads(1);
            }
            o.setOptimizationLevel(optLevel);
            o.setCPUArenaAllocator(memoryArena);
            o.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            o.addConfigEntry("session.inter_op.allow_spinning", spinning ? "1" : "0");
            o.setExecutionMode(parallel ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
                    : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** e.g. "threads 2, opt all, arena on, spin off, sequential". */
    public String describe() {
        String opt = switch (optLevel) {
            case NO_OPT -> "none";
            case BASIC_OPT -> "basic";
            case EXTENDED_OPT -> "extended";
            default -> "all";
        };
        return String.format(Locale.ROOT, "threads %s, opt %s, arena %s, spin %s, %s",
                threads > 0 ? Integer.toString(threads) : "default", opt, memoryArena ? "on" : "off",
                spinning ? "on" : "off", parallel ? "parallel" : "sequential");
    }
}
