package org.mgsv.model.eval;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.testing.TestDatasets;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.TinyModels;

/** A split on disk whose five rows share two tracks (as the training split does). */
class StorePairsContractTest extends PairSourceTestCase {
    @TempDir Path tmp;

    @Override
    protected MadeConfig config() {
        return TinyModels.tiny().build();
    }

    @Override
    protected PairSource create() throws Exception {
        MadeConfig c = config();
        TestDatasets.Dataset d = TestDatasets.builder().train(2).val(2).test(5).musicPool(2)
                .spec(new FeatureSpec(c.frameSlots(), c.frameFeatDim(), c.segmentSlots(), c.segmentFeatDim()))
                .write(tmp.resolve("ds"));
        return new StorePairs(d.annotations("test"), d.featureStore(), c);
    }
}
