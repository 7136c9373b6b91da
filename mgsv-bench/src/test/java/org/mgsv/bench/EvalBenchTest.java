package org.mgsv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.eval.MsgEvaluator;

/** {@code mgsv bench eval}'s harness: warm-up and timed runs reported in order, and the profiled extra run. */
class EvalBenchTest {
    @TempDir Path tmp;

    @Test
    void timedRunsAfterWarmUpAndAProfiledRunLeftOutOfTheTimings() throws Exception {
        MsgEvaluator.Options opt = new MsgEvaluator.Options(2, 2, 4, 5, false);
        List<EvalBench.Run> seen = new ArrayList<>();
        Path trace = tmp.resolve("eval-trace.json");
        EvalBench.Result r = EvalBench.run(null, opt, 5, 1, 2, trace, seen::add);
        assertEquals(3, seen.size());
        assertTrue(!seen.get(0).timed() && seen.get(1).timed() && seen.get(2).timed(), "warm-up first, then timed");
        assertEquals(2, r.seconds().size(), "the profiled run is not a timed run");
        assertTrue(Files.size(trace) > 0, "trace written");
        assertNotNull(r.profile());
        assertTrue(r.profile().ops().stream().anyMatch(o -> o.name().equals("aten::mm")), "no GEMM in the profile");
        assertTrue(r.profile().gemmGflop() > 0, "GEMM FLOPs counted");

        EvalBench.Result plain = EvalBench.run(null, opt, 3, 0, 1, null, x -> { });
        assertNull(plain.profile());
        assertEquals(1, plain.pass1Seconds().size());
        assertEquals(3, plain.validFrames().length, "each row's valid frames, for the useful-work FLOP count");
    }
}
