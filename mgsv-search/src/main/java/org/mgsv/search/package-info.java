/**
 * Grounding a video in a catalog: the model and media SPIs ({@link org.mgsv.search.GroundingModel},
 * {@link org.mgsv.search.MediaPipeline}), indexing, shortlists ({@link org.mgsv.search.ShortlistIndex}: exact SIMD
 * f32/int8, Lucene HNSW), rescoring with the full MaDe score (docs/spec/MADE.md §2), moment detection and
 * beat-snapped spans.
 */
package org.mgsv.search;
