package org.mgsv.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** A tiny configuration and random inputs for fast unit tests. */
public final class TinyModels {
    private TinyModels() {}

    public static MadeConfig.Builder tiny() {
        return MadeConfig.builder().dModel(32).frameSlots(6).segmentSlots(8).frameFeatDim(12).segmentFeatDim(16)
                .enhancementHeads(4).enhancementFfnDim(48).detrHeads(4).detrFfnDim(40).detrEncoderLayers(1)
                .detrDecoderLayers(2).contrastiveDim(24).videoPeRows(10).audioPeRows(12);
    }

    /** Random inputs with prefix masks of random valid lengths (at least one valid slot per row). */
    public static MadeInputs inputs(NDManager m, MadeConfig c, int b, long seed) {
        Random r = new Random(seed);
        int f = c.frameSlots();
        int s = c.segmentSlots();
        float[] ff = new float[b * f * c.frameFeatDim()];
        float[] sf = new float[b * s * c.segmentFeatDim()];
        float[] fm = new float[b * f];
        float[] sm = new float[b * s];
        for (int i = 0; i < ff.length; i++) {
            ff[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < sf.length; i++) {
            sf[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b; i++) {
            int vf = 1 + r.nextInt(f);
            int vs = 1 + r.nextInt(s);
            for (int j = 0; j < vf; j++) {
                fm[i * f + j] = 1;
            }
            for (int j = 0; j < vs; j++) {
                sm[i * s + j] = 1;
            }
        }
        return new MadeInputs(m.create(ff, new Shape(b, f, c.frameFeatDim())), m.create(fm, new Shape(b, f)),
                m.create(sf, new Shape(b, s, c.segmentFeatDim())), m.create(sm, new Shape(b, s)));
    }
}
