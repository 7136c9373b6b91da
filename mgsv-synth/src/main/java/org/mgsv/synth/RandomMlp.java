package org.mgsv.synth;

import java.util.random.RandomGenerator;

/**
 * A random two-layer map f(z) = W2 · tanh(W1 z + b1) + b2 from the latent space (D) into a feature space
 * (512 for frames, 768 for music windows). W1 ~ N(0, gain²/(D·var z)) puts the tanh in its non-linear range;
 * W2 is rescaled so that the signal part (without b2) has unit RMS per output dimension; b2 ~ N(0, 0.5²) is a
 * dataset-wide offset, as real embeddings have one.
 */
public final class RandomMlp {
    private final int in;
    private final int hidden;
    private final int out;
    final float[] w1; // [hidden][in]
    final float[] b1; // [hidden]
    final float[] w2; // [out][hidden]
    final float[] b2; // [out]

    RandomMlp(RandomGenerator rng, int in, int hidden, int out, double latentVariance) {
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        w1 = new float[hidden * in];
        b1 = new float[hidden];
        w2 = new float[out * hidden];
        b2 = new float[out];
        double gain = 1.5;
        double s1 = gain / Math.sqrt(in * latentVariance);
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (s1 * rng.nextGaussian());
        }
        for (int i = 0; i < hidden; i++) {
            b1[i] = (float) (0.3 * rng.nextGaussian());
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < out; i++) {
            b2[i] = (float) (0.5 * rng.nextGaussian());
        }
        // calibrate: unit RMS of W2 h over latent samples of the given variance
        int samples = 256;
        double sum = 0;
        float[] z = new float[in];
        float[] h = new float[hidden];
        double sd = Math.sqrt(latentVariance);
        for (int s = 0; s < samples; s++) {
            for (int k = 0; k < in; k++) {
                z[k] = (float) (sd * rng.nextGaussian());
            }
            hiddenOf(z, 0, h);
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int k = 0; k < hidden; k++) {
                    acc += w2[o * hidden + k] * h[k];
                }
                sum += acc * acc;
            }
        }
        float scale = (float) (1.0 / Math.sqrt(sum / ((double) samples * out)));
        for (int i = 0; i < w2.length; i++) {
            w2[i] *= scale;
        }
    }

    public int inputDim() {
        return in;
    }

    public int hiddenDim() {
        return hidden;
    }

    public int outputDim() {
        return out;
    }

    /** h = tanh(W1 z + b1). */
    void hiddenOf(float[] z, int zOff, float[] h) {
        for (int j = 0; j < hidden; j++) {
            float a = b1[j];
            int r = j * in;
            for (int k = 0; k < in; k++) {
                a += w1[r + k] * z[zOff + k];
            }
            h[j] = (float) Math.tanh(a);
        }
    }

    /** Adds f(z) to {@code dst[dOff .. dOff+out)}; {@code h} is scratch of length hidden. */
    void addTo(float[] z, int zOff, float[] h, float[] dst, int dOff) {
        hiddenOf(z, zOff, h);
        for (int o = 0; o < out; o++) {
            float acc = b2[o];
            int r = o * hidden;
            for (int k = 0; k < hidden; k++) {
                acc += w2[r + k] * h[k];
            }
            dst[dOff + o] += acc;
        }
    }
}
