package org.mgsv.search;

import org.mgsv.model.MadeConfig;

/** The network at a tiny configuration, its detection on two threads. */
class MadeGroundingModelContractTest extends GroundingModelTestCase {
    @Override
    protected GroundingModel create() {
        MadeConfig tiny = MadeConfig.builder().dModel(32).frameSlots(6).segmentSlots(8).frameFeatDim(12)
                .segmentFeatDim(16).enhancementHeads(4).enhancementFfnDim(48).detrHeads(4).detrFfnDim(40)
                .detrEncoderLayers(1).detrDecoderLayers(2).contrastiveDim(24).videoPeRows(10).audioPeRows(12).build();
        return MadeGroundingModel.initialised(tiny, 9, 2);
    }
}
