package org.mgsv.model;

import ai.djl.ndarray.NDArray;

/**
 * Everything one forward pass produces. Similarity matrices are [B_videos, B_musics] (rows = videos). Per-layer
 * tensors have the decoder layers first; the last layer is the prediction, the others feed the auxiliary losses.
 *
 * @param frameTokens      [B, F, d] encoded frames, padding zeroed
 * @param segmentTokens    [B, S, d] encoded segments, padding zeroed
 * @param videoFeats       [B, d] h(v), L2-normalised
 * @param musicFeats       [B, d] h0(M), L2-normalised
 * @param musicPooled      [B_musics, B_videos, d] X-Pool h1(M|v) (null when the config does not need it)
 * @param dualSim          [B, B] cos(h(v), h0(M)) (null when not used)
 * @param singleSim        [B, B] cos(h(v), h1(M|v)) (null when not used)
 * @param sim              [B, B] the retrieval score of the config (dual, single or their sum)
 * @param memory           [B, F+S, d] DETR encoder output
 * @param hiddenStates     [L, B, Q, d] every decoder layer after the shared decoder.norm
 * @param layerLogits      [L, B, Q, 2] class logits per layer (index 0 = foreground)
 * @param layerSpans       [L, B, Q, 2] sigmoid (center, width) per layer, normalised by maxMDuration
 * @param layerProjQueries [L, B, Q, c] L2-normalised alignment projections of the queries
 * @param projVid          [B, F, c] L2-normalised alignment projections of the frame tokens
 * @param predLogits       [B, Q, 2] last layer's logits
 * @param predSpans        [B, Q, 2] last layer's spans
 */
public record MadeOutput(
        NDArray frameTokens,
        NDArray segmentTokens,
        NDArray videoFeats,
        NDArray musicFeats,
        NDArray musicPooled,
        NDArray dualSim,
        NDArray singleSim,
        NDArray sim,
        NDArray memory,
        NDArray hiddenStates,
        NDArray layerLogits,
        NDArray layerSpans,
        NDArray layerProjQueries,
        NDArray projVid,
        NDArray predLogits,
        NDArray predSpans) {

    /** Number of decoder layers (the last is the prediction, the others are auxiliary outputs). */
    public long decoderLayers() {
        return hiddenStates.getShape().get(0);
    }
}
