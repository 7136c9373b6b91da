package org.mgsv.model.loss;

import ai.djl.ndarray.NDArray;

/**
 * The detection heads' outputs of one decoder layer.
 *
 * @param predLogits  [B, Q, 2] class logits (index 0 = foreground)
 * @param predSpans   [B, Q, 2] sigmoid (center, width), normalised by the maximum music duration
 * @param projQueries [B, Q, D] L2-normalised alignment projection of the layer's queries, or {@code null} when
 *                    the model skips it (allowed only with one query, where the alignment term is identically 0)
 */
public record LayerOutput(NDArray predLogits, NDArray predSpans, NDArray projQueries) {}
