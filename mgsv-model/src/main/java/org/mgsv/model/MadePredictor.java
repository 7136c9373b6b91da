package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgsv.core.MgsvException;

/**
 * Batch inference on feature arrays: reads {@code frame_feats [B,F,512]}, {@code frame_masks [B,F]},
 * {@code segment_feats [B,S,768]}, {@code segment_masks [B,S]} (and {@code v_duration [B]} seconds, used only
 * by center-only models), runs the network in inference mode and returns the named outputs.
 */
public final class MadePredictor {
    private MadePredictor() {}

    /** Output names in the order they are written. */
    public static final String[] OUTPUTS = {"video_feats", "music_feats", "dual_sim_matrix", "single_sim_matrix",
        "sim_matrix", "pred_logits", "pred_spans", "pred_st_ed_score_sec"};

    /** Validates the named inputs against the config; returns the batch (arrays converted to float32). */
    public static MadeInputs inputs(Map<String, NDArray> in, MadeConfig c, String source) {
        NDArray ff = require(in, "frame_feats", source, "[B," + c.frameSlots() + "," + c.frameFeatDim() + "]");
        if (ff.getShape().dimension() != 3) {
            throw new MgsvException(source + ": frame_feats has shape " + MadeParams.shapeText(ff.getShape())
                    + ", expected [B," + c.frameSlots() + "," + c.frameFeatDim() + "]");
        }
        long b = ff.getShape().get(0);
        NDArray fm = require(in, "frame_masks", source, "[B," + c.frameSlots() + "]");
        NDArray sf = require(in, "segment_feats", source, "[B," + c.segmentSlots() + "," + c.segmentFeatDim() + "]");
        NDArray sm = require(in, "segment_masks", source, "[B," + c.segmentSlots() + "]");
        shape(source, "frame_feats", ff, new Shape(b, c.frameSlots(), c.frameFeatDim()), b);
        shape(source, "frame_masks", fm, new Shape(b, c.frameSlots()), b);
        shape(source, "segment_feats", sf, new Shape(b, c.segmentSlots(), c.segmentFeatDim()), b);
        shape(source, "segment_masks", sm, new Shape(b, c.segmentSlots()), b);
        ff = ff.toType(DataType.FLOAT32, false);
        sf = sf.toType(DataType.FLOAT32, false);
        fm = fm.toType(DataType.FLOAT32, false);
        sm = sm.toType(DataType.FLOAT32, false);
        finite(source, "frame_feats", ff);
        finite(source, "segment_feats", sf);
        masks(source, "frame_masks", fm, "frame");
        masks(source, "segment_masks", sm, "segment");
        NDArray dur = in.get("v_duration");
        if (dur != null) {
            shape(source, "v_duration", dur, new Shape(b), b);
            dur = dur.toType(DataType.FLOAT32, false);
        }
        return new MadeInputs(ff, fm, sf, sm, dur);
    }

    private static NDArray require(Map<String, NDArray> in, String name, String source, String shape) {
        NDArray a = in.get(name);
        if (a == null) {
            throw new MgsvException(source + ": missing array '" + name + "' (expected " + shape + "); arrays present: "
                    + in.keySet());
        }
        return a;
    }

    private static void shape(String source, String name, NDArray a, Shape want, long b) {
        if (!a.getShape().equals(want)) {
            throw new MgsvException(source + ": " + name + " has shape " + MadeParams.shapeText(a.getShape())
                    + ", expected " + MadeParams.shapeText(want) + " (B = " + b + " from frame_feats)");
        }
    }

    private static void finite(String source, String name, NDArray a) {
        if (a.isNaN().any().getBoolean() || a.isInfinite().any().getBoolean()) {
            throw new MgsvException(source + ": " + name + " contains NaN or infinite values");
        }
    }

    private static void masks(String source, String name, NDArray m, String what) {
        float[] v = m.toFloatArray();
        long len = m.getShape().get(1);
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0f && v[i] != 1f) {
                throw new MgsvException(source + ": " + name + " must hold only 0/1 (row " + (i / len) + " has " + v[i] + ")");
            }
        }
        for (int r = 0; r < m.getShape().get(0); r++) {
            boolean any = false;
            for (int j = 0; j < len; j++) {
                any |= v[(int) (r * len + j)] != 0f;
            }
            if (!any) {
                throw new MgsvException(source + ": " + name + " row " + r + " has no valid " + what);
            }
        }
    }

    /** Runs the model on validated inputs; every output is float32 and attached to the inputs' manager. */
    public static Map<String, NDArray> predict(MadeNetwork net, MadeInputs in) {
        MadeConfig c = net.config();
        MadeOutput o = net.forward(in, false);
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("video_feats", o.videoFeats());
        out.put("music_feats", o.musicFeats());
        NDArray dual = o.dualSim() != null ? o.dualSim() : MadeNetwork.dualSimilarity(o.videoFeats(), o.musicFeats());
        NDArray single = o.singleSim();
        if (single == null) {
            NDArray pooled = net.xpool(o.videoFeats(), o.segmentTokens(), in.segmentMasks(), false);
            single = MadeNetwork.singleSimilarity(o.videoFeats(), pooled);
        }
        out.put("dual_sim_matrix", dual);
        out.put("single_sim_matrix", single);
        out.put("sim_matrix", o.sim());
        out.put("pred_logits", o.predLogits());
        out.put("pred_spans", o.predSpans());
        out.put("pred_st_ed_score_sec", moments(o.predLogits(), o.predSpans(), c.maxMDuration()));
        return out;
    }

    /**
     * Best query's moment per row, [B, 3] = (start s, end s, foreground probability): start/end = (c ∓ w/2)·maxMDuration,
     * not clamped.
     */
    public static NDArray moments(NDArray logits, NDArray spans, float maxDuration) {
        NDArray score = logits.softmax(-1).get(new NDIndex(":, :, 0")); // [B,Q]
        NDArray best = score.argMax(1); // [B]
        long b = score.getShape().get(0);
        float[] sc = score.toFloatArray();
        float[] sp = spans.toFloatArray();
        long[] bi = best.toLongArray();
        long q = score.getShape().get(1);
        float[] out = new float[(int) b * 3];
        for (int i = 0; i < b; i++) {
            int k = (int) (i * q + bi[i]);
            float cc = sp[2 * k];
            float w = sp[2 * k + 1];
            out[3 * i] = (cc - w / 2) * maxDuration;
            out[3 * i + 1] = (cc + w / 2) * maxDuration;
            out[3 * i + 2] = sc[k];
        }
        return NativeMemory.owned(score.getManager(), out, new Shape(b, 3));
    }

    /** Loads the model directory and the inputs, predicts, writes the outputs atomically. Returns B. */
    public static long run(Path modelDir, Path inputs, Path outFile) {
        try (NDManager m = NDManager.newBaseManager(); ModelDir.Loaded model = ModelDir.load(modelDir, m)) {
            Map<String, NDArray> raw = NpzIO.read(inputs, m);
            MadeInputs in = inputs(raw, model.config(), inputs.toString());
            Map<String, NDArray> out = predict(model.network(), in);
            Map<String, NDArray> f32 = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : out.entrySet()) {
                f32.put(e.getKey(), e.getValue().toType(DataType.FLOAT32, false));
            }
            NpzIO.write(outFile, f32);
            return in.batchSize();
        }
    }

}
