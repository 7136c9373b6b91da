package org.mgsv.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The planted cross-modal structure is there (an oracle that knows the secret maps finds track and moment from
 * the frame sequence) but is not trivial (the same oracle given one frame mostly fails), and the difficulty knobs
 * move it in the documented direction.
 */
class SynthOracleTest {
    private static SynthOracle.Result evaluate(SynthConfig c, int queries) {
        return new SynthOracle(new SynthGenerator(SynthPlan.build(c))).evaluate(SynthPlan.Split.TEST, queries);
    }

    /** 80 test queries against the quickstart's 300 test tracks. */
    @Test
    void sequenceFindsTrackAndMomentButOneFrameDoesNot() {
        SynthConfig c = SynthConfig.builder().trainVideos(20).valVideos(1).testVideos(300).build();
        SynthOracle.Result r = evaluate(c, 80);
        String msg = r.toString();
        assertTrue(r.sequenceR1() >= 60, msg);
        assertTrue(r.singleFrameR1() <= 20, msg);
        assertTrue(r.sequenceR1() >= 4 * r.singleFrameR1(), msg);
        // grounding: clearly above the "start 0, length = video" prior
        assertTrue(r.sequenceMiou() >= r.priorStart0Miou() + 0.15, msg);
        // the single frame still carries some signal (above random), it is just not enough
        assertTrue(r.singleFrameR10() > 10 * r.randomR1(), msg);
    }

    private static final SynthConfig BASE = SynthConfig.builder().trainVideos(20).valVideos(1).testVideos(80).build();

    @Test
    void moreNoiseMakesItHarder() {
        SynthOracle.Result base = evaluate(BASE, 80);
        SynthOracle.Result hard = evaluate(BASE.toBuilder().frameLatentNoise(2.0).videoNoise(1.5).build(), 80);
        assertTrue(hard.sequenceR1() < base.sequenceR1() - 10, base + " vs " + hard);
        SynthOracle.Result easy = evaluate(BASE.toBuilder().frameLatentNoise(0.0).videoNoise(0.1).styleStrength(0)
                .build(), 80);
        assertTrue(easy.singleFrameR1() > base.singleFrameR1() + 10, base + " vs " + easy);
    }

    /** Without the secret maps: a linear map learned from the train split alone already finds tracks. */
    @Test
    void aLinearProbeLearnedFromTrainBeatsRandom() {
        SynthConfig c = SynthConfig.builder().trainVideos(800).valVideos(1).testVideos(100).build();
        SynthGenerator g = new SynthGenerator(SynthPlan.build(c));
        SynthOracle.Result r = SynthOracle.evaluate(g.plan(), new LinearProbe(g, 800, 32, 0.01),
                SynthPlan.Split.TEST, 100);
        String msg = r.toString();
        assertTrue(r.sequenceR1() >= 4 * r.randomR1(), msg);
        assertTrue(r.sequenceR10() >= 25, msg);
        // and it needs the sequence: one frame through the same map does much worse
        assertTrue(r.sequenceR1() >= 2 * r.singleFrameR1(), msg);
    }
}
