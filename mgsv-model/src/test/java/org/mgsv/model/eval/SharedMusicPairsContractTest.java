package org.mgsv.model.eval;

import org.mgsv.model.MadeConfig;
import org.mgsv.model.TinyModels;

/** The evaluator test's source whose rows reuse earlier rows' music. */
class SharedMusicPairsContractTest extends PairSourceTestCase {
    @Override
    protected MadeConfig config() {
        return TinyModels.tiny().build();
    }

    @Override
    protected PairSource create() {
        return new MsgEvaluatorTest.WithDuplicates(new SyntheticPairs(6, 3, config()), new int[] {0, 1, 0, 3, 1, 5});
    }
}
