package org.mgsv.media.encode.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.mgsv.core.MgsvException;

/**
 * One ONNX Runtime session with a float input of a checked shape and a float output [N, dim] (or [N, 1, dim]).
 * Shared by the frame and segment encoders.
 */
final class OnnxModel implements AutoCloseable {
    final Path file;
    final String inputName;
    final String outputName;
    /** The model's fixed batch size, or -1 when the batch dimension is dynamic. */
    final long fixedBatch;
    final int dim;
    /** The arithmetic the session runs in (int8: converted in memory at load time). */
    final EncoderPrecision precision;
    private final OrtEnvironment env;
    private final OrtSession session;

    private OnnxModel(Path file, OrtEnvironment env, OrtSession session, String in, String out, long fixedBatch,
                      int dim, EncoderPrecision precision) {
        this.precision = precision;
        this.file = file;
        this.env = env;
        this.session = session;
        this.inputName = in;
        this.outputName = out;
        this.fixedBatch = fixedBatch;
        this.dim = dim;
    }

    /**
     * @param sampleShape the expected input shape without the batch dimension
     * @param dim         the expected embedding size
     */
    static OnnxModel load(Path file, String inputName, String outputName, OrtOptions options,
                          EncoderPrecision precision, long[] sampleShape, int dim, String what) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new MgsvException(file + ": " + what + " ONNX model not found");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        byte[] converted = null;
        if (precision == EncoderPrecision.INT8) {
            byte[] original;
            try {
                original = Files.readAllBytes(file);
            } catch (java.io.IOException | OutOfMemoryError e) {
                throw new MgsvException(file + ": cannot read the " + what + " model for int8 conversion (" + e + ")");
            }
            converted = Int8Quantizer.quantize(original, file.toString()).model();
        }
        try (OrtSession.SessionOptions opts = options.toSessionOptions()) {
            session = converted != null ? env.createSession(converted, opts) : env.createSession(file.toString(), opts);
        } catch (OrtException e) {
            throw new MgsvException(file + ": not a loadable ONNX model (" + oneLine(e.getMessage()) + ")", e);
        }
        try {
            String in = pick(file, "input", session.getInputInfo(), inputName);
            String out = pick(file, "output", session.getOutputInfo(), outputName);
            long[] inShape = floatShape(file, "input", in, session.getInputInfo().get(in));
            long[] outShape = floatShape(file, "output", out, session.getOutputInfo().get(out));
            long[] want = new long[sampleShape.length + 1];
            want[0] = -1;
            System.arraycopy(sampleShape, 0, want, 1, sampleShape.length);
            boolean inOk = inShape.length == want.length;
            for (int i = 1; inOk && i < want.length; i++) {
                inOk = inShape[i] < 0 || inShape[i] == want[i];
            }
            if (!inOk) {
                throw new MgsvException(file + ": " + what + " model input '" + in + "' has shape " + fmt(inShape)
                        + ", expected " + fmt(want) + " (N = batch)");
            }
            boolean outOk = (outShape.length == 2 || (outShape.length == 3 && (outShape[1] == 1 || outShape[1] < 0)))
                    && (outShape[outShape.length - 1] < 0 || outShape[outShape.length - 1] == dim);
            if (!outOk) {
                throw new MgsvException(file + ": " + what + " model output '" + out + "' has shape "
                        + fmt(outShape) + ", expected [N, " + dim + "]");
            }
            long fixedBatch = inShape[0] > 0 ? inShape[0] : -1;
            return new OnnxModel(file, env, session, in, out, fixedBatch, dim, precision);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new MgsvException(file + ": cannot read the model's inputs/outputs (" + oneLine(e.getMessage()) + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static String pick(Path file, String kind, Map<String, NodeInfo> infos, String wanted) {
        if (wanted != null && !wanted.isBlank()) {
            if (!infos.containsKey(wanted)) {
                throw new MgsvException(file + ": the model has no " + kind + " named '" + wanted + "' (it has "
                        + infos.keySet() + ")");
            }
            return wanted;
        }
        if (kind.equals("input") && infos.size() != 1) {
            throw new MgsvException(file + ": the model has " + infos.size() + " inputs " + infos.keySet()
                    + "; name the image/spectrogram input explicitly");
        }
        return infos.keySet().iterator().next();
    }

    private static long[] floatShape(Path file, String kind, String name, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new MgsvException(file + ": model " + kind + " '" + name + "' is not a tensor");
        }
        if (t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new MgsvException(file + ": model " + kind + " '" + name + "' is " + t.type + ", expected float32");
        }
        return t.getShape();
    }

    /** Runs a batch; {@code data} holds {@code n} samples of the input's sample shape. Returns [n][dim]. */
    float[][] run(float[] data, long[] shape) {
        int n = (int) shape[0];
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result r = session.run(Map.of(inputName, x), java.util.Set.of(outputName))) {
            Optional<OnnxValue> v = r.get(outputName);
            if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
                throw new MgsvException(file + ": the model returned no tensor '" + outputName + "'");
            }
            long[] os = t.getInfo().getShape();
            long total = 1;
            for (long d : os) {
                total *= d;
            }
            if (os.length < 2 || os[0] != n || os[os.length - 1] != dim || total != (long) n * dim) {
                throw new MgsvException(file + ": the model returned '" + outputName + "' of shape " + fmt(os)
                        + " for a batch of " + n + ", expected [" + n + ", " + dim + "]");
            }
            FloatBuffer fb = t.getFloatBuffer();
            float[][] out = new float[n][dim];
            for (int i = 0; i < n; i++) {
                fb.get(out[i]);
            }
            return out;
        } catch (OrtException e) {
            throw new MgsvException(file + ": inference failed (" + oneLine(e.getMessage()) + ")", e);
        }
    }

    static String fmt(long[] shape) {
        return Arrays.toString(Arrays.stream(shape).mapToObj(d -> d < 0 ? "N" : Long.toString(d)).toArray());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // closing a broken session
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }
}
