/**
 * Accuracy and speed of the annotator on generated videos with known answers ({@code mgsv bench annotate},
 * {@link org.mgsv.bench.annotate.AnnotateBench}).
 */
package org.mgsv.bench.annotate;
