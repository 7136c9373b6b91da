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
public final class OnnxFrameEncoder implements FrameEncoder {
    public static final int DIM = 512;
    private static final long[] SAMPLE = {3, ClipPreprocess.SIZE, ClipPreprocess.SIZE};

    private final OnnxModel model;
    private final int batch;

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
        this.model = OnnxModel.load(model, inputName, outputName, threads, SAMPLE, DIM, "CLIP image");
        this.batch = (int) (this.model.fixedBatch > 0 ? this.model.fixedBatch : Math.max(1, batch));
    }

    @Override
    public int dim() {
        return DIM;
    }

    @Override
    public String name() {
        return "onnx:" + model.file.getFileName();
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
        float[][] out = new float[frames.size()][];
        for (int start = 0; start < frames.size(); start += batch) {
            int n = (int) (model.fixedBatch > 0 ? model.fixedBatch : Math.min(batch, frames.size() - start));
            int real = Math.min(n, frames.size() - start);
            float[] x = new float[n * ClipPreprocess.FRAME_FLOATS];
            for (int i = 0; i < real; i++) {
                ClipPreprocess.preprocess(frames.get(start + i), x, i * ClipPreprocess.FRAME_FLOATS);
            }
            float[][] y = model.run(x, new long[] {n, 3, ClipPreprocess.SIZE, ClipPreprocess.SIZE});
            System.arraycopy(y, 0, out, start, real);
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
