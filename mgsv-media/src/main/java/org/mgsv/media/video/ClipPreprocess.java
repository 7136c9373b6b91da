package org.mgsv.media.video;

import org.mgsv.media.encode.RgbFrame;

/**
 * CLIP ViT-B/32 image preprocessing, bit-exact with the reference's torchvision/PIL pipeline
 * {@code Resize(224, BICUBIC) → CenterCrop(224) → RGB → ToTensor → Normalize(mean, std)} on a PIL image:
 *
 * <ol>
 *   <li>output size as torchvision computes it: the short side becomes 224, the long side
 *       {@code int(224 * long / short)} (truncated);</li>
 *   <li>PIL's two-pass separable bicubic resampling ({@code a = -0.5}), horizontal pass first; when
 *       downsampling the kernel support is widened by the scale factor (antialiasing); coefficients are
 *       normalised, converted to 22-bit fixed point with PIL's rounding, and each pass rounds and clips to
 *       uint8 exactly like PIL's {@code ImagingResample} (the intermediate image is 8-bit too);</li>
 *   <li>centre crop with torchvision's offsets {@code round((size - 224) / 2)} (Python rounds halves to
 *       even);</li>
 *   <li>{@code x / 255}, then {@code (x - mean) / std} per channel in float32.</li>
 * </ol>
 *
 * Only the pixels inside the crop are computed (each output pixel of a separable resize depends on its own
 * row/column coefficients only), which gives the same values as resizing the whole image and cropping.
 * Output layout: CHW, float32, [3, 224, 224].
 */
public final class ClipPreprocess {
    public static final int SIZE = 224;
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** Floats per preprocessed frame. */
    public static final int FRAME_FLOATS = 3 * SIZE * SIZE;

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;

    private ClipPreprocess() {}

    /** One frame → [3,224,224] CHW floats. */
    public static float[] preprocess(RgbFrame frame) {
        float[] out = new float[FRAME_FLOATS];
        preprocess(frame, out, 0);
        return out;
    }

    /** One frame → [3,224,224] CHW floats written at {@code out[offset ..]}. */
    public static void preprocess(RgbFrame frame, float[] out, int offset) {
        byte[] hwc = resizeCrop(frame.rgb(), frame.width(), frame.height());
        int plane = SIZE * SIZE;
        for (int c = 0; c < 3; c++) {
            float mean = MEAN[c];
            float std = STD[c];
            int o = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                float v = (hwc[i * 3 + c] & 0xff) / 255f;
                out[o + i] = (v - mean) / std;
            }
        }
    }

    /** torchvision's Resize(224) output size {width, height}. */
    static int[] resizedSize(int width, int height) {
        if (width <= height) {
            return new int[] {SIZE, (int) ((double) (SIZE * (long) height) / width)};
        }
        return new int[] {(int) ((double) (SIZE * (long) width) / height), SIZE};
    }

    /** torchvision's centre-crop offset: {@code int(round((size - crop) / 2.0))}, halves to even. */
    static int cropOffset(int size) {
        return (int) Math.rint((size - SIZE) / 2.0);
    }

    /**
     * Resize (PIL bicubic) + centre crop to 224×224, packed RGB uint8 (HWC), exactly as PIL/torchvision. The
     * input is packed RGB, {@code width*height*3} bytes.
     */
    public static byte[] resizeCrop(byte[] rgb, int width, int height) {
        if (width < 1 || height < 1 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("bad frame: " + width + "x" + height + " with " + rgb.length + " bytes");
        }
        int[] size = resizedSize(width, height);
        int newW = size[0];
        int newH = size[1];
        int left = cropOffset(newW);
        int top = cropOffset(newH);

        boolean needH = newW != width;
        boolean needV = newH != height;

        // vertical coefficients first: they tell which input rows the horizontal pass must produce
        Coeffs vert = needV ? Coeffs.compute(height, newH, top, SIZE) : null;
        int rowFirst;
        int rowLast;
        if (needV) {
            rowFirst = vert.bounds[0];
            rowLast = 0;
            for (int i = 0; i < SIZE; i++) {
                rowFirst = Math.min(rowFirst, vert.bounds[2 * i]);
                rowLast = Math.max(rowLast, vert.bounds[2 * i] + vert.bounds[2 * i + 1]);
            }
        } else {
            rowFirst = top;
            rowLast = top + SIZE;
        }
        int rows = rowLast - rowFirst;

        // horizontal pass: rows [rowFirst,rowLast) x crop columns → tmp [rows][224] RGB
        byte[] tmp = new byte[rows * SIZE * 3];
        if (needH) {
            Coeffs hor = Coeffs.compute(width, newW, left, SIZE);
            int half = 1 << (PRECISION_BITS - 1);
            for (int y = 0; y < rows; y++) {
                int inRow = (y + rowFirst) * width * 3;
                int outRow = y * SIZE * 3;
                for (int x = 0; x < SIZE; x++) {
                    int xmin = hor.bounds[2 * x];
                    int n = hor.bounds[2 * x + 1];
                    int kOff = x * hor.ksize;
                    int s0 = half;
                    int s1 = half;
                    int s2 = half;
                    int p = inRow + xmin * 3;
                    for (int k = 0; k < n; k++, p += 3) {
                        int w = hor.kk[kOff + k];
                        s0 += (rgb[p] & 0xff) * w;
                        s1 += (rgb[p + 1] & 0xff) * w;
                        s2 += (rgb[p + 2] & 0xff) * w;
                    }
                    int o = outRow + x * 3;
                    tmp[o] = clip8(s0);
                    tmp[o + 1] = clip8(s1);
                    tmp[o + 2] = clip8(s2);
                }
            }
        } else {
            for (int y = 0; y < rows; y++) {
                System.arraycopy(rgb, ((y + rowFirst) * width + left) * 3, tmp, y * SIZE * 3, SIZE * 3);
            }
        }

        if (!needV) {
            // rows [top, top+224) are exactly tmp
            return tmp;
        }
        byte[] out = new byte[SIZE * SIZE * 3];
        int half = 1 << (PRECISION_BITS - 1);
        int stride = SIZE * 3;
        for (int y = 0; y < SIZE; y++) {
            int ymin = vert.bounds[2 * y] - rowFirst;
            int n = vert.bounds[2 * y + 1];
            int kOff = y * vert.ksize;
            for (int x = 0; x < stride; x++) {
                int s = half;
                int p = ymin * stride + x;
                for (int k = 0; k < n; k++, p += stride) {
                    s += (tmp[p] & 0xff) * vert.kk[kOff + k];
                }
                out[y * stride + x] = clip8(s);
            }
        }
        return out;
    }

    private static byte clip8(int v) {
        int x = v >> PRECISION_BITS;
        return (byte) (x < 0 ? 0 : (x > 255 ? 255 : x));
    }

    /** PIL's bicubic kernel, a = -0.5. */
    static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** PIL's precompute_coeffs + normalize_coeffs_8bpc, for output positions [first, first+count). */
    static final class Coeffs {
        final int ksize;
        final int[] bounds; // per output: xmin, n
        final int[] kk; // fixed-point weights, ksize per output

        private Coeffs(int ksize, int[] bounds, int[] kk) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.kk = kk;
        }

        static Coeffs compute(int inSize, int outSize, int first, int count) {
            double scale = (double) inSize / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = BICUBIC_SUPPORT * filterscale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[count * 2];
            int[] kk = new int[count * ksize];
            double[] k = new double[ksize];
            double ss = 1.0 / filterscale;
            for (int i = 0; i < count; i++) {
                int xx = first + i;
                double center = (xx + 0.5) * scale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = bicubic((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    if (ww != 0.0) {
                        k[x] /= ww;
                    }
                    double v = k[x] * (1 << PRECISION_BITS);
                    kk[i * ksize + x] = (int) (k[x] < 0 ? -0.5 + v : 0.5 + v);
                }
                bounds[2 * i] = xmin;
                bounds[2 * i + 1] = xmax;
            }
            return new Coeffs(ksize, bounds, kk);
        }
    }
}
