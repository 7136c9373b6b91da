package org.mgsv.media.encode.builtin;

import java.util.List;
import org.mgsv.media.encode.EncoderInputs;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.RgbFrame;

/**
 * {@code builtin-v1}: a weight-free 512-d frame descriptor, so the system runs with no model files. Hand-made,
 * deterministic, fast (about 1 ms per frame), computed on an analysis copy of the frame whose long side is at
 * most 128 pixels (integer-factor box averaging, {@link #prepare}).
 *
 * <p>Layout (block: dims): what it captures.
 * <ol>
 *   <li>joint HSV histogram, 8 hue × 4 saturation × 4 value: 128 — overall palette;</li>
 *   <li>hue histogram, 24 bins, weighted by saturation·value: 24 — dominant hues, ignoring greys;</li>
 *   <li>value (brightness) histogram 16 + saturation histogram 16: 32 — exposure, key, colourfulness;</li>
 *   <li>colour statistics: 24 — mean/std/p10/p50/p90 of V and S, mean and std of R,G,B, Hasler–Süsstrunk
 *       colourfulness, RMS contrast, dark and bright fractions, warmth (R−B), grey-level entropy, sharpness
 *       (variance of the Laplacian), aspect ratio;</li>
 *   <li>layout: 4×4 grid of mean R,G,B and brightness std per cell: 64 — composition, sky/ground, subject;</li>
 *   <li>layout: 8×8 grid of mean brightness: 64 — finer composition;</li>
 *   <li>3×3 grid of 8-bin hue histograms: 72 — where the colours are;</li>
 *   <li>edges: Sobel orientation histogram (16, magnitude weighted), magnitude histogram (8), 2×2 grid of
 *       8-bin orientation histograms (32), edge density/mean/std/strong fraction (4): 60 — texture, structure,
 *       man-made (straight horizontal/vertical) vs natural scenes;</li>
 *   <li>texture: uniform LBP histogram (10) + 2 statistics: 12;</li>
 *   <li>motion versus the previous frame (1 s earlier): 4×4 grid of mean absolute difference (16), histogram
 *       of per-pixel differences (8), mean difference, palette change (χ² of the HSV histograms), brightness
 *       change, cut indicator, has-previous flag, global shift dx, dy (best of ±3 px on a 32×32 thumbnail)
 *       and residual after the shift: 32 — camera/subject motion energy and scene cuts.</li>
 * </ol>
 * Histograms are square-rooted (Hellinger), statistics scaled to about [−1, 1]; each block is L2-normalised and
 * weighted, and the whole vector is scaled to norm √512 (values of order 1, like a unit-variance input).
 *
 * <p><b>Limits.</b> It sees colour, light, layout, texture and motion, not semantics: it cannot tell a cat from
 * a dog, read text, recognise faces or actions, and two scenes with similar palettes look alike. The motion
 * block compares frames 1 s apart, so it measures "how much changed in a second", not smooth optical flow.
 * A model trained on CLIP features must not be fed these vectors: train (or fine-tune) on features extracted
 * with the same encoder.
 */
public final class BuiltinFrameEncoder implements FrameEncoder {
    public static final String NAME = "builtin-v1";
    public static final int DIM = 512;
    /** Long side of the analysis image. */
    public static final int ANALYSIS_SIDE = 128;

    static final int[] BLOCK_SIZES = {128, 24, 32, 24, 64, 64, 72, 60, 12, 32};
    static final float[] BLOCK_WEIGHTS = {1.2f, 1f, 1f, 1f, 1.2f, 1f, 1f, 1.2f, 0.8f, 1f};

    @Override
    public int dim() {
        return DIM;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Box-averages the frame by the integer factor that brings its long side to at most 128 pixels. */
    @Override
    public RgbFrame prepare(RgbFrame f) {
        if (f == null) {
            return null;
        }
        int k = (Math.max(f.width(), f.height()) + ANALYSIS_SIDE - 1) / ANALYSIS_SIDE;
        if (k <= 1) {
            return f;
        }
        int w = (f.width() + k - 1) / k;
        int h = (f.height() + k - 1) / k;
        byte[] src = f.rgb();
        byte[] dst = new byte[w * h * 3];
        int[] acc = new int[w * 3];
        int[] cnt = new int[w];
        for (int by = 0; by < h; by++) {
            java.util.Arrays.fill(acc, 0);
            java.util.Arrays.fill(cnt, 0);
            int y1 = Math.min(f.height(), (by + 1) * k);
            for (int y = by * k; y < y1; y++) {
                int row = y * f.width() * 3;
                for (int bx = 0; bx < w; bx++) {
                    int x0 = bx * k;
                    int x1 = Math.min(f.width(), x0 + k);
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    for (int p = row + x0 * 3, end = row + x1 * 3; p < end; p += 3) {
                        r += src[p] & 0xff;
                        g += src[p + 1] & 0xff;
                        b += src[p + 2] & 0xff;
                    }
                    acc[bx * 3] += r;
                    acc[bx * 3 + 1] += g;
                    acc[bx * 3 + 2] += b;
                    cnt[bx] += x1 - x0;
                }
            }
            for (int bx = 0; bx < w; bx++) {
                int n = cnt[bx];
                for (int c = 0; c < 3; c++) {
                    dst[(by * w + bx) * 3 + c] = (byte) ((acc[bx * 3 + c] + n / 2) / n);
                }
            }
        }
        return new RgbFrame(f.second(), w, h, dst);
    }

    @Override
    public float[][] encode(List<RgbFrame> frames) {
        EncoderInputs.checkFrames(frames);
        float[][] out = new float[frames.size()][];
        FrameAnalysis prev = null;
        for (int i = 0; i < frames.size(); i++) {
            FrameAnalysis a = new FrameAnalysis(prepare(frames.get(i)));
            out[i] = a.descriptor(prev);
            prev = a;
        }
        return out;
    }
}
