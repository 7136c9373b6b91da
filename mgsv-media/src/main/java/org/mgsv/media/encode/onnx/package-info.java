/**
 * CLIP ViT-B/32 and AST run with ONNX Runtime: the published feature spaces (export: docs/encoders.md).
 */
package org.mgsv.media.encode.onnx;
