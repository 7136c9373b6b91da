package org.mgsv.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.train.MadeTrainer;
import org.mgsv.model.train.SyntheticFeatures;
import org.mgsv.model.train.TrainOptions;

/**
 * Complete training steps of a configuration on synthetic inputs of its shapes ({@code mgsv bench train}): batch
 * assembly, forward in training mode, every loss, backward, per-group clipping, Adam, timed step by step after
 * untimed warm-up steps; optionally one more step under libtorch's profiler.
 */
public final class TrainBench {
    private TrainBench() {}

    /**
     * @param stepSeconds  every timed step (the profiled one left out)
     * @param phaseSeconds time per phase over all steps, where the trainer records it
     * @param profile      the profiled step's summary, or null
     * @param microBatch   the micro-batch the steps ran with (0: the whole batch in one pass)
     * @param meanFrames   the synthetic pairs' mean number of valid frames
     * @param meanSegments the synthetic pairs' mean number of valid segments
     * @param packed       whether the steps left the padded slots out ({@link MadeNetwork#packsTrainingRows})
     */
    public record Result(List<Double> stepSeconds, Map<String, Double> phaseSeconds, TorchProfile.Summary profile,
            int microBatch, double meanFrames, double meanSegments, boolean packed) {}

    /**
     * Times {@code steps} steps after {@code warmup}; with {@code profile} one step more runs under the profiler,
     * which writes its trace there.
     *
     * @param microBatch as {@code mgsv train --micro-batch} ({@link TrainOptions#AUTO_MICRO_BATCH}: its default)
     */
    public static Result run(MadeConfig cfg, int batchSize, int warmup, int steps, int microBatch, Path profile) {
        // enough pairs for distinct batches in every step
        SyntheticFeatures data = new SyntheticFeatures(cfg, batchSize * Math.min(warmup + steps, 4), 1);
        TrainOptions opt = TrainOptions.reference().withEpochs(1).withBatchSize(batchSize).withMicroBatch(microBatch);
        MadeTrainer t = new MadeTrainer(cfg, opt, new MadeTrainer.Data(data.pairs(), data.pairs(), data, Map.of()),
                Path.of(System.getProperty("java.io.tmpdir")), false);
        List<Double> times = profile == null ? t.benchmark(warmup, steps)
                : t.benchmark(warmup, steps + 1, () -> JniUtils.startProfile(false, true, false),
                        () -> JniUtils.stopProfile(profile.toAbsolutePath().toString()));
        TorchProfile.Summary prof = null;
        if (profile != null) {
            times = times.subList(0, steps);
            prof = TorchProfile.read(profile);
        }
        return new Result(times, t.timing(), prof, opt.effectiveMicroBatch(), data.meanValidFrames(),
                data.meanValidSegments(), MadeNetwork.packsTrainingRows());
    }
}
