/**
 * The weight-free built-in frame encoder (colour, texture and motion descriptors): a feature space of its own, for
 * training MaDe without the published CLIP features.
 */
package org.mgsv.media.encode.builtin;
