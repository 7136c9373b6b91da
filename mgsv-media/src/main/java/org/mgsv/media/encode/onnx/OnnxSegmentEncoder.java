package org.mgsv.media.encode.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mgsv.media.encode.EncoderInputs;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.SegmentEncoder;

/**
 * AST (Audio Spectrogram Transformer) in ONNX: each valid fbank window [1024,128] (already normalised by the
 * front end) is fed as [N,1024,128] float32; the model returns the 768-d window embedding [N,768] (the
 * reference uses the mean of the CLS and distillation tokens after the final LayerNorm). Windows with mask 0
 * are not run and come back as zeros. See docs/encoders.md for the export.
 */
public final class OnnxSegmentEncoder extends OnnxEncoder implements SegmentEncoder {
    public static final int DIM = 768;
    private static final long[] SAMPLE = {FbankWindows.FRAMES, FbankWindows.MEL_BINS};

    public OnnxSegmentEncoder(Path model) {
        this(model, null, null, 4, 0);
    }

    /**
     * @param inputName  the spectrogram input (null: the model's only input)
     * @param outputName the embedding output (null: the first output)
     * @param batch      windows per inference call
     * @param threads    intra-op threads (0: ONNX Runtime's default)
     */
    public OnnxSegmentEncoder(Path model, String inputName, String outputName, int batch, int threads) {
        this(model, inputName, outputName, batch, OrtOptions.defaults(threads), EncoderPrecision.FP32);
    }

    /**
     * @param options   ONNX Runtime session settings ({@link OrtOptions#defaults})
     * @param precision float32, or int8 (the model is quantised in memory when loaded)
     */
    public OnnxSegmentEncoder(Path model, String inputName, String outputName, int batch, OrtOptions options,
              EncoderPrecision precision) {
        super(model, inputName, outputName, batch, options, precision, SAMPLE, DIM, "AST");
    }

    @Override
    public float[][] encode(FbankWindows windows) {
        EncoderInputs.checkWindows(windows);
        float[][] out = new float[FbankWindows.WINDOWS][DIM];
        List<Integer> valid = new ArrayList<>();
        for (int s = 0; s < FbankWindows.WINDOWS; s++) {
            if (windows.mask()[s] != 0) {
                valid.add(s);
            }
        }
        int len = FbankWindows.FRAMES * FbankWindows.MEL_BINS;
        float[][] rows = runBatched(valid.size(),
                (i, x, offset) -> System.arraycopy(windows.windows()[valid.get(i)], 0, x, offset, len));
        for (int i = 0; i < rows.length; i++) {
            out[valid.get(i)] = rows[i];
        }
        return out;
    }
}
