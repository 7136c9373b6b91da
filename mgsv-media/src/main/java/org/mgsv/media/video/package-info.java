/**
 * Video: decoding at 1 fps as the reference samples frames (docs/spec/MADE.md §1) and CLIP's
 * preprocessing (bicubic resize, centre crop, normalisation).
 */
package org.mgsv.media.video;
