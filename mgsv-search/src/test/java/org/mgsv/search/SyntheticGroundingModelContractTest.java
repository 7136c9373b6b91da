package org.mgsv.search;

class SyntheticGroundingModelContractTest extends GroundingModelTestCase {
    @Override
    protected GroundingModel create() {
        return new SyntheticGroundingModel(32, 6, 12, 8, 16, 5L);
    }
}
