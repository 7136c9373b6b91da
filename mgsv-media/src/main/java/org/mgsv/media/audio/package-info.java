/**
 * Audio: in-process decoding (JavaCV/FFmpeg), torchaudio's resampler, Kaldi fbank and the AST front end
 * (96 windows of 10 s, docs/spec/MADE.md §1), the built-in segment encoder, beat tracking.
 */
package org.mgsv.media.audio;
