package org.mgsv.media.audio;

import org.mgsv.core.util.VectorSupport;

/**
 * Real-input FFT of a fixed power-of-two size n, computed as one complex FFT of size n/2 (even samples as the
 * real part, odd samples as the imaginary part) followed by the standard split step. Twiddles and the
 * bit-reversal permutation are precomputed; {@link #powerSpectrum} allocates nothing, so one instance per
 * thread can be reused for every frame. Not thread-safe (it owns scratch buffers).
 */
public final class RealFft {
    /**
     * Lanes of the SIMD butterflies ({@link RealFftVectors}), 0 when they cannot run (no jdk.incubator.vector, or
     * {@code -Dmgsv.fft.direct=true}): stages of at least this many butterflies per group run as vectors.
     */
    static final int VECTOR_LANES = VectorSupport.AVAILABLE && !Boolean.getBoolean("mgsv.fft.direct")
            ? RealFftVectors.lanes() : 0;

    private final int n;
    private final int half;
    private final int[] bitrev;
    /**
     * The twiddles of each butterfly stage in the order the stage reads them: the stage of span 2h at [h−1, 2h−1),
     * entry h−1+j = cos/sin(2πj/(2h)) as cos/sin(2π·(j·step)/half), the values a table indexed by j·step holds.
     */
    private final double[] stageCos;
    private final double[] stageSin;
    private final double[] splitCos; // cos(2*pi*k/n), k <= half
    private final double[] splitSin;
    private final double[] re;
    private final double[] im;
    private final int lanes; // VECTOR_LANES, or 0 for the scalar butterflies throughout

    public RealFft(int n) {
        this(n, true);
    }

    /** {@code vectors}: whether the SIMD butterflies may run (false: scalar throughout, as tests compare). */
    RealFft(int n, boolean vectors) {
        if (n < 4 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two >= 4, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        int bits = Integer.numberOfTrailingZeros(half);
        bitrev = new int[half];
        for (int i = 0; i < half; i++) {
            bitrev[i] = Integer.reverse(i) >>> (32 - bits);
        }
        stageCos = new double[Math.max(1, half - 1)];
        stageSin = new double[Math.max(1, half - 1)];
        for (int h = 1; h < half; h <<= 1) {
            int step = half / (2 * h);
            for (int j = 0; j < h; j++) {
                stageCos[h - 1 + j] = Math.cos(2 * Math.PI * (j * step) / half);
                stageSin[h - 1 + j] = Math.sin(2 * Math.PI * (j * step) / half);
            }
        }
        splitCos = new double[half + 1];
        splitSin = new double[half + 1];
        for (int k = 0; k <= half; k++) {
            splitCos[k] = Math.cos(2 * Math.PI * k / n);
            splitSin[k] = Math.sin(2 * Math.PI * k / n);
        }
        re = new double[half];
        im = new double[half];
        lanes = vectors ? VECTOR_LANES : 0;
    }

    public int size() {
        return n;
    }

    /**
     * |X[k]|² for k = 0..n/2 of the real signal {@code x[0..len)} zero-padded to n.
     *
     * @param x input samples (only the first {@code len} are read, len ≤ n)
     * @param power output, length ≥ n/2+1
     */
    public void powerSpectrum(double[] x, int len, double[] power) {
        if (len > n) {
            throw new IllegalArgumentException("frame of " + len + " samples exceeds FFT size " + n);
        }
        // pack even/odd samples into complex, in bit-reversed order
        for (int i = 0; i < half; i++) {
            int j = bitrev[i];
            int e = 2 * i;
            re[j] = e < len ? x[e] : 0.0;
            im[j] = e + 1 < len ? x[e + 1] : 0.0;
        }
        complexFft();
        // split: X[k] = (Z[k] + conj Z[h-k])/2 - i e^{-2πik/n} (Z[k] - conj Z[h-k])/2
        double z0r = re[0], z0i = im[0];
        power[0] = (z0r + z0i) * (z0r + z0i);
        power[half] = (z0r - z0i) * (z0r - z0i);
        for (int k = 1; k < half; k++) {
            double ar = re[k], ai = im[k];
            double br = re[half - k], bi = -im[half - k]; // conj Z[h-k]
            double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
            double or = 0.5 * (ar - br), oi = 0.5 * (ai - bi);
            // odd part times -i e^{-iθ} = -i (c - i s) = -s - i c
            double c = splitCos[k], s = splitSin[k];
            double tr = or * (-s) - oi * (-c);
            double ti = or * (-c) + oi * (-s);
            double xr = er + tr, xi = ei + ti;
            power[k] = xr * xr + xi * xi;
        }
    }

    private void complexFft() {
        int size = half;
        // span 2: the one twiddle is 1
        for (int a = 0; a + 1 < size; a += 2) {
            int b = a + 1;
            double br = re[b], bi = im[b];
            re[b] = re[a] - br;
            im[b] = im[a] - bi;
            re[a] += br;
            im[a] += bi;
        }
        for (int len = 4; len <= size; len <<= 1) {
            int halfLen = len >> 1;
            if (lanes > 0 && halfLen >= lanes) {
                // this stage and every later one, vector by vector: the same products and sums per element
                RealFftVectors.stages(re, im, stageCos, stageSin, size, len);
                return;
            }
            int tw = halfLen - 1;
            for (int i = 0; i < size; i += len) {
                for (int j = 0; j < halfLen; j++) {
                    double c = stageCos[tw + j];
                    double s = stageSin[tw + j];
                    int a = i + j, b = a + halfLen;
                    double br = re[b], bi = im[b];
                    // multiply by e^{-iθ} = c - i s
                    double tr = br * c + bi * s;
                    double ti = bi * c - br * s;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
