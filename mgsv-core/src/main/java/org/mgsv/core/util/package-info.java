/**
 * Small shared mechanics: atomic file writes, the progress bar, thread counts and daemon thread factories
 * ({@link org.mgsv.core.util.Threads}), the bounded top-k heap, order statistics of measured figures and the CPU's
 * feature flags.
 */
package org.mgsv.core.util;
