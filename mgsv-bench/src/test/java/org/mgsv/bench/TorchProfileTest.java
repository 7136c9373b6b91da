package org.mgsv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeFlops;
import org.mgsv.model.train.MadeTrainer;
import org.mgsv.model.train.SyntheticFeatures;
import org.mgsv.model.train.TrainOptions;

/** The profiler summary of a real training step, and MadeFlops against the GEMM FLOPs libtorch actually ran. */
class TorchProfileTest {
    @TempDir Path tmp;

    @Test
    void madeFlopsEqualsTheGemmsOfAProfiledTrainingStep() {
        MadeConfig cfg = MadeConfig.builder().dModel(16).frameSlots(6).segmentSlots(8).frameFeatDim(12).segmentFeatDim(10)
                .enhancementHeads(2).enhancementFfnDim(24).detrHeads(4).detrFfnDim(20).contrastiveDim(8)
                .videoPeRows(6).audioPeRows(8).build();
        int batch = 4;
        SyntheticFeatures data = new SyntheticFeatures(cfg, batch * 3, 1);
        TrainOptions opt = TrainOptions.reference().withEpochs(1).withBatchSize(batch).withMicroBatch(0);
        MadeTrainer t = new MadeTrainer(cfg, opt, new MadeTrainer.Data(data.pairs(), data.pairs(), data, Map.of()), tmp,
                false);
        Path trace = tmp.resolve("trace.json");
        List<Double> times = t.benchmark(1, 1, () -> JniUtils.startProfile(false, true, false),
                () -> JniUtils.stopProfile(trace.toString()));
        assertEquals(1, times.size());
        TorchProfile.Summary s = TorchProfile.read(trace);
        assertTrue(s.calls() > 100, "operator calls " + s.calls());
        assertTrue(s.ops().stream().anyMatch(o -> o.name().equals("aten::mm")), "no aten::mm in the trace");
        assertEquals(MadeFlops.trainStep(cfg, batch) / 1e9, s.gemmGflop(), 1e-9 + 1e-6 * s.gemmGflop(),
                "GEMM FLOPs of the profiled step");
        assertTrue(s.describe(5).startsWith("profile: "), s.describe(5));
    }
}
