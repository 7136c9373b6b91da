/**
 * Media to features and back: decoding, sampling and preprocessing (audio, video), the encoders (encode), batch
 * extraction into the published layout (extract) and rendering of results (render).
 */
package org.mgsv.media;
