/**
 * {@code mgsv annotate}: MGSV-EC annotations from your own videos. The music library is fingerprinted once
 * ({@link org.mgsv.annotate.Landmarks}, a persisted, memory-mapped {@link org.mgsv.annotate.FingerprintIndex}
 * with one writer); each video's soundtrack is matched against it ({@link org.mgsv.annotate.Matcher}) to find
 * the track and the moment used, written as annotation rows and splits ({@link org.mgsv.annotate.Annotator},
 * {@link org.mgsv.annotate.Splits}).
 */
package org.mgsv.annotate;
