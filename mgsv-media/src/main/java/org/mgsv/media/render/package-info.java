/**
 * Rendering a grounded result: the video with the chosen music moment (loudness-matched, optionally ducking the
 * original audio), remuxed without re-encoding the picture.
 */
package org.mgsv.media.render;
