/**
 * The training losses of docs/spec/MADE.md §3: the Hungarian matcher, span L1 + gIoU + class terms
 * per decoder layer, and the retrieval (contrastive) loss.
 */
package org.mgsv.model.loss;
