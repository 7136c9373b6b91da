/**
 * Per-video and per-track feature matrices and their stores: the published one-file-per-id layout
 * ({@code DirectoryFeatureStore}) and the packed, memory-mapped store ({@code PackedFeatureStore}) behind one
 * {@link org.mgsv.core.features.FeatureStore} interface with one contract test suite.
 */
package org.mgsv.core.features;
