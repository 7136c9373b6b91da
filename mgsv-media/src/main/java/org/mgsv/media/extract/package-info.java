/**
 * {@code mgsv extract}'s engine: raw videos and music → features in the published layout, resumable, one failure
 * never aborting the batch.
 */
package org.mgsv.media.extract;
