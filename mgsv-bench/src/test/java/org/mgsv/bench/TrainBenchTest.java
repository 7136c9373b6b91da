package org.mgsv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.MadeConfig;

/** The training harness on a tiny configuration: one time per timed step, the profiled step left out of them. */
class TrainBenchTest {
    @TempDir Path tmp;

    private static MadeConfig tiny() {
        return MadeConfig.builder().dModel(16).frameSlots(6).segmentSlots(8).frameFeatDim(12).segmentFeatDim(10)
                .enhancementHeads(2).enhancementFfnDim(24).detrHeads(4).detrFfnDim(20).contrastiveDim(8)
                .videoPeRows(6).audioPeRows(8).build();
    }

    @Test
    void timesEveryStepAfterTheWarmUp() {
        TrainBench.Result r = TrainBench.run(tiny(), 4, 1, 2, 2, null);
        assertEquals(2, r.stepSeconds().size());
        assertTrue(r.stepSeconds().stream().allMatch(s -> s > 0), r.stepSeconds().toString());
        assertEquals(2, r.microBatch());
        assertNull(r.profile());
    }

    @Test
    void theProfiledStepIsNotAmongTheTimedOnes() {
        Path trace = tmp.resolve("trace.json");
        TrainBench.Result r = TrainBench.run(tiny(), 4, 0, 1, 0, trace);
        assertEquals(1, r.stepSeconds().size());
        assertEquals(0, r.microBatch());
        assertNotNull(r.profile());
        assertTrue(r.profile().calls() > 100, "operator calls " + r.profile().calls());
    }
}
