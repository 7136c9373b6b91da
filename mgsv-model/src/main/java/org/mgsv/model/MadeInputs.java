package org.mgsv.model;

import ai.djl.ndarray.NDArray;

/**
 * One batch for the network: {@code frameFeats} [B, F, 512], {@code frameMasks} [B, F], {@code segmentFeats}
 * [B, S, 768], {@code segmentMasks} [B, S] (float32, masks 1 = valid, 0 = padding), and optionally
 * {@code videoDurations} [B] in seconds (only needed when the config predicts the center only; when absent the
 * video length is taken as the number of valid frames, one per second).
 */
public record MadeInputs(NDArray frameFeats, NDArray frameMasks, NDArray segmentFeats, NDArray segmentMasks,
        NDArray videoDurations) {

    public MadeInputs(NDArray frameFeats, NDArray frameMasks, NDArray segmentFeats, NDArray segmentMasks) {
        this(frameFeats, frameMasks, segmentFeats, segmentMasks, null);
    }

    public long batchSize() {
        return frameFeats.getShape().get(0);
    }
}
