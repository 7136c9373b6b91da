package org.mgsv.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The latent "mood" trajectory z(t) ∈ R^D of one track: control points every {@link #STEP} seconds, linearly
 * interpolated in between. The track is a sequence of sections; each section has a type (mood vector plus a
 * smooth motif), and types repeat within a track (verse/chorus-like), so several places of a track look alike.
 */
public final class LatentTrack {
    /** Spacing of the control points, seconds (the music feature hop). */
    public static final double STEP = 2.5;
    /** Half-width of a music feature window, seconds. */
    public static final double HALF_WINDOW = 5.0;

    private final int dim;
    private final double duration;
    private final float[] ctrl;
    private final int points;
    private final int[] sectionTypes;

    private LatentTrack(int dim, double duration, float[] ctrl, int[] sectionTypes) {
        this.dim = dim;
        this.duration = duration;
        this.ctrl = ctrl;
        this.points = ctrl.length / dim;
        this.sectionTypes = sectionTypes;
    }

    /** Number of control points needed to cover {@code duration} seconds. */
    static int pointsFor(double duration) {
        return (int) Math.ceil(duration / STEP) + 1;
    }

    /**
     * Draws a fresh track: sections of {@code minLen..maxLen} control points; each new section repeats an
     * earlier type (not the previous one) with probability {@code repeatRate}, else opens a new type whose mood
     * comes from {@code palette} with probability {@code paletteShare} (else a fresh N(0, I) vector) and whose
     * motif is an AR(1) sequence with coefficient {@code smoothness} and unit variance.
     * z at a control point = mood + motifStrength · (motif + repeatJitter · ε for repeats).
     */
    static LatentTrack draw(RandomGenerator rng, double duration, SynthConfig c, float[][] palette) {
        int d = c.latentDim();
        int n = pointsFor(duration);
        int minLen = Math.max(1, (int) Math.round(c.sectionMinSec() / STEP));
        int maxLen = Math.max(minLen, (int) Math.round(c.sectionMaxSec() / STEP));
        float[] ctrl = new float[n * d];
        List<float[]> moods = new ArrayList<>();
        List<float[]> motifs = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        double rho = c.smoothness();
        double innov = Math.sqrt(1 - rho * rho);
        int j = 0;
        int prev = -1;
        while (j < n) {
            int len = minLen + rng.nextInt(maxLen - minLen + 1);
            int type;
            boolean repeat = moods.size() >= 2; // some earlier type differs from the previous one
            if (repeat && rng.nextDouble() < c.repeatRate()) {
                do {
                    type = rng.nextInt(moods.size());
                } while (type == prev);
            } else {
                repeat = false;
                type = moods.size();
                float[] mood;
                if (rng.nextDouble() < c.paletteShare()) {
                    mood = palette[rng.nextInt(palette.length)].clone();
                } else {
                    mood = gaussian(rng, d);
                }
                float[] motif = new float[maxLen * d];
                for (int k = 0; k < d; k++) {
                    motif[k] = (float) rng.nextGaussian();
                }
                for (int t = 1; t < maxLen; t++) {
                    for (int k = 0; k < d; k++) {
                        motif[t * d + k] = (float) (rho * motif[(t - 1) * d + k] + innov * rng.nextGaussian());
                    }
                }
                moods.add(mood);
                motifs.add(motif);
            }
            types.add(type);
            float[] mood = moods.get(type);
            float[] motif = motifs.get(type);
            for (int t = 0; t < len && j + t < n; t++) {
                for (int k = 0; k < d; k++) {
                    double m = motif[t * d + k];
                    if (repeat) {
                        m += c.repeatJitter() * rng.nextGaussian();
                    }
                    ctrl[(j + t) * d + k] = (float) (mood[k] + c.motifStrength() * m);
                }
            }
            prev = type;
            j += len;
        }
        return new LatentTrack(d, duration, ctrl, toArray(types));
    }

    /** Another version of {@code parent} (same structure and duration): z + jitter · ε. */
    static LatentTrack versionOf(LatentTrack parent, RandomGenerator rng, double jitter) {
        float[] ctrl = parent.ctrl.clone();
        for (int i = 0; i < ctrl.length; i++) {
            ctrl[i] += (float) (jitter * rng.nextGaussian());
        }
        return new LatentTrack(parent.dim, parent.duration, ctrl, parent.sectionTypes);
    }

    static float[] gaussian(RandomGenerator rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    public int dim() {
        return dim;
    }

    /** Track duration, seconds. */
    public double duration() {
        return duration;
    }

    /** Section type of every section (equal types = repeated material). */
    public int[] sectionTypes() {
        return sectionTypes.clone();
    }

    /** z(t) into {@code out[off .. off+D)}; t is clamped to [0, duration]. */
    public void at(double t, float[] out, int off) {
        double x = Math.max(0.0, Math.min(duration, t)) / STEP;
        int i = Math.min((int) x, points - 2);
        float f = (float) (x - i);
        int a = i * dim;
        int b = a + dim;
        for (int k = 0; k < dim; k++) {
            out[off + k] = ctrl[a + k] + f * (ctrl[b + k] - ctrl[a + k]);
        }
    }

    /**
     * Mean of z over the music window centred at {@code c}: [max(0, c-5), min(duration, c+5)], sampled every
     * 0.5 s (the window an AST feature summarises).
     */
    public void windowMean(double c, float[] out, int off) {
        double lo = Math.max(0.0, c - HALF_WINDOW);
        double hi = Math.min(duration, c + HALF_WINDOW);
        java.util.Arrays.fill(out, off, off + dim, 0f);
        if (hi < lo) {
            at(lo, out, off);
            return;
        }
        float[] tmp = new float[dim];
        int samples = 0;
        for (double t = lo; t <= hi + 1e-9; t += 0.5) {
            at(t, tmp, 0);
            for (int k = 0; k < dim; k++) {
                out[off + k] += tmp[k];
            }
            samples++;
        }
        for (int k = 0; k < dim; k++) {
            out[off + k] /= samples;
        }
    }
}
