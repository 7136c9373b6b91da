package org.mgsv.media.encode.onnx;

import java.nio.file.Path;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.SegmentEncoder;

/**
 * What the ONNX {@link FrameEncoder} and {@link SegmentEncoder} share: the loaded and checked model, the batch
 * size (the model's fixed batch, or the one asked for), the name and size, batched inference and closing the
 * session.
 */
abstract class OnnxEncoder implements AutoCloseable {
    final OnnxModel model;
    /** Samples per inference call (always 1 in int8). */
    final int batch;
    private final long[] sampleShape;
    private final int sampleFloats;

    /**
     * @param sampleShape the input shape of one sample (without the batch dimension)
     * @param dim         the embedding size
     * @param what        the model's kind in error messages, e.g. "CLIP image"
     */
    OnnxEncoder(Path file, String inputName, String outputName, int batch, OrtOptions options,
                EncoderPrecision precision, long[] sampleShape, int dim, String what) {
        this.model = OnnxModel.load(file, inputName, outputName, options, precision, sampleShape, dim, what);
        if (precision == EncoderPrecision.INT8 && model.fixedBatch > 1) {
            model.close();
            throw new org.mgsv.core.MgsvException(file + ": int8 needs a model with a dynamic batch (or a batch of "
                    + "1); this one has a fixed batch of " + model.fixedBatch + ", and a sample's features would "
                    + "depend on the others in its batch");
        }
        // int8 quantises each activation tensor with its own range: one sample per call keeps every sample's
        // features independent of its neighbours in the batch
        this.batch = (int) (model.fixedBatch > 0 ? model.fixedBatch
                : precision == EncoderPrecision.INT8 ? 1 : Math.max(1, batch));
        this.sampleShape = sampleShape.clone();
        long floats = 1;
        for (long d : sampleShape) {
            floats *= d;
        }
        this.sampleFloats = (int) floats;
    }

    public int dim() {
        return model.dim;
    }

    /** "onnx:&lt;file&gt;", with "@int8" for a quantised session (its features differ slightly from float32). */
    public String name() {
        return "onnx:" + model.file.getFileName() + (model.precision == EncoderPrecision.FP32 ? "" : "@" + model.precision.label());
    }

    public EncoderPrecision precision() {
        return model.precision;
    }

    /** Writes the floats of sample {@code sample} into {@code x} from {@code offset}. */
    interface SampleWriter {
        void write(int sample, float[] x, int offset);
    }

    /**
     * Runs {@code count} samples through the model, {@link #batch} at a time (a model with a fixed batch size
     * always gets a full batch, the last one padded with zeros). Returns one row of {@link #dim()} per sample.
     */
    float[][] runBatched(int count, SampleWriter writer) {
        float[][] out = new float[count][];
        for (int start = 0; start < count; start += batch) {
            int n = (int) (model.fixedBatch > 0 ? model.fixedBatch : Math.min(batch, count - start));
            int real = Math.min(n, count - start);
            float[] x = new float[n * sampleFloats];
            for (int i = 0; i < real; i++) {
                writer.write(start + i, x, i * sampleFloats);
            }
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = n;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            float[][] y = model.run(x, shape);
            System.arraycopy(y, 0, out, start, real);
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
