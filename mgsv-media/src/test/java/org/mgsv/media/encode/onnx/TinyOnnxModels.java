package org.mgsv.media.encode.onnx;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tiny ONNX fixtures made by src/test/python/make_tiny_onnx.py. */
final class TinyOnnxModels {
    private TinyOnnxModels() {}

    static Path resource(String name) {
        try {
            return Path.of(TinyOnnxModels.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path clip() {
        return resource("onnx/tiny_clip.onnx");
    }

    static Path clipBatch1() {
        return resource("onnx/tiny_clip_b1.onnx");
    }

    static Path ast() {
        return resource("onnx/tiny_ast.onnx");
    }
}
