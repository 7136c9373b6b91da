/**
 * Training (docs/spec/MADE.md §4): batches, the optimizer groups with per-group clipping, Adam and its
 * warm-up cosine schedule, micro-batched steps, validation, checkpoints and exact resume.
 */
package org.mgsv.model.train;
