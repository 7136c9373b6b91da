package org.mgsv.media.encode.onnx;

import java.nio.file.Path;
import java.util.List;
import org.mgsv.media.encode.EncoderInputs;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.video.ClipPreprocess;

/**
 * CLIP image tower in ONNX: frames are preprocessed exactly like the reference ({@link ClipPreprocess}) and fed
 * as [N,3,224,224] float32; the model returns the image embedding [N,512] (CLIP's {@code encode_image}: no L2
 * normalisation, as the reference stored it). See docs/encoders.md for exporting ViT-B/32 from the public
 * checkpoint.
 */
public final class OnnxFrameEncoder extends OnnxEncoder implements FrameEncoder {
    public static final int DIM = 512;
    private static final long[] SAMPLE = {3, ClipPreprocess.SIZE, ClipPreprocess.SIZE};

    /** A model with one input and the embedding as its first output; batches of 8, ONNX Runtime's threads. */
    public OnnxFrameEncoder(Path model) {
        this(model, null, null, 8, 0);
    }

    /**
     * @param inputName  the image input (null: the model's only input)
     * @param outputName the embedding output (null: the first output)
     * @param batch      frames per inference call
     * @param threads    intra-op threads (0: ONNX Runtime's default)
     */
    public OnnxFrameEncoder(Path model, String inputName, String outputName, int batch, int threads) {
        this(model, inputName, outputName, batch, OrtOptions.defaults(threads), EncoderPrecision.FP32);
    }

    /**
     * @param options   ONNX Runtime session settings ({@link OrtOptions#defaults})
     * @param precision float32, or int8 (the model is quantised in memory when loaded)
     */
    public OnnxFrameEncoder(Path model, String inputName, String outputName, int batch, OrtOptions options,
              EncoderPrecision precision) {
        super(model, inputName, outputName, batch, options, precision, SAMPLE, DIM, "CLIP image");
    }

    @Override
    public RgbFrame prepare(RgbFrame frame) {
        if (frame == null || (frame.width() == ClipPreprocess.SIZE && frame.height() == ClipPreprocess.SIZE)) {
            return frame;
        }
        // the 224×224 crop; preprocessing it again is the identity (no resize, zero crop offset)
        byte[] crop = ClipPreprocess.resizeCrop(frame.rgb(), frame.width(), frame.height());
        return new RgbFrame(frame.second(), ClipPreprocess.SIZE, ClipPreprocess.SIZE, crop);
    }

    @Override
    public float[][] encode(List<RgbFrame> frames) {
        EncoderInputs.checkFrames(frames);
        return runBatched(frames.size(), (i, x, offset) -> ClipPreprocess.preprocess(frames.get(i), x, offset));
    }
}
