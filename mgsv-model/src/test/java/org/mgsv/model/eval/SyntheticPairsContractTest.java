package org.mgsv.model.eval;

import org.mgsv.model.MadeConfig;
import org.mgsv.model.TinyModels;

class SyntheticPairsContractTest extends PairSourceTestCase {
    @Override
    protected MadeConfig config() {
        return TinyModels.tiny().build();
    }

    @Override
    protected PairSource create() {
        return new SyntheticPairs(5, 11, config());
    }
}
