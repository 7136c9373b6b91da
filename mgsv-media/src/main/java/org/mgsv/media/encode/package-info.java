/**
 * The encoder SPI: {@link org.mgsv.media.encode.FrameEncoder} (frames → 512-d) and
 * {@link org.mgsv.media.encode.SegmentEncoder} (fbank windows → 768-d), each with a contract test suite; the
 * implementations are in {@code builtin} and {@code onnx}.
 */
package org.mgsv.media.encode;
