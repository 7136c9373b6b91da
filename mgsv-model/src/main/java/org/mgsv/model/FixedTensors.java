package org.mgsv.model;

/**
 * The fixed (non-trainable) tensors of the reference state dict, computed exactly as PyTorch computes them in
 * float32: the sinusoidal position tables {@code video_position_embedding.pe} [1, 250, d] and
 * {@code audio_position_embedding.pe} [1, 300, d], and {@code criterion.empty_weight} = [1, eosCoef].
 */
public final class FixedTensors {
    private FixedTensors() {}

    public static final String VIDEO_PE = "video_position_embedding.pe";
    public static final String AUDIO_PE = "audio_position_embedding.pe";
    public static final String EMPTY_WEIGHT = "criterion.empty_weight";

    /**
     * Sinusoidal table [rows, d] (row-major): pe[p, 2i] = sin(p·div_i), pe[p, 2i+1] = cos(p·div_i),
     * div_i = exp(2i · −ln(10000)/d). Every step is rounded to float32 as torch does (argument products in
     * float32, then sin/cos of that float).
     */
    public static float[] sinusoidTable(int rows, int d) {
        float[] pe = new float[rows * d];
        float scale = (float) (-(Math.log(10000.0) / d));
        for (int i = 0; i < d / 2; i++) {
            float div = (float) Math.exp((float) (2 * i) * scale);
            for (int p = 0; p < rows; p++) {
                float arg = (float) p * div;
                pe[p * d + 2 * i] = (float) Math.sin(arg);
                pe[p * d + 2 * i + 1] = (float) Math.cos(arg);
            }
        }
        return pe;
    }

    public static float[] emptyWeight(MadeConfig c) {
        return new float[] {1f, c.eosCoef()};
    }
}
