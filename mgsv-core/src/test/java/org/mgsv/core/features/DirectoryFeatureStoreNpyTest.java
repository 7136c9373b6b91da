package org.mgsv.core.features;

import java.nio.file.Path;
import org.mgsv.core.testing.TestDatasets;

/** The same contract over {@code .npy} feature files. */
class DirectoryFeatureStoreNpyTest extends FeatureStoreTestCase {
    @Override
    protected TestDatasets.Builder datasetOptions() {
        return super.datasetOptions().npy(true);
    }

    @Override
    protected FeatureStore open(TestDatasets.Dataset ds, Path work) {
        return new DirectoryFeatureStore(ds.featureRoot(), ds.spec());
    }
}
