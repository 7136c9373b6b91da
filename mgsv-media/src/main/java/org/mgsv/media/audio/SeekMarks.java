package org.mgsv.media.audio;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sample-exact windows of a compressed recording without decoding it from the start.
 *
 * <p>A seek in a compressed stream is fast, but where the decoded samples land is only as exact as the stream's
 * time stamps: FFmpeg's OGG Vorbis seek, for one, gives the right samples shifted by a whole number of samples
 * (0, 128 or −448 measured on the same file at different positions), i.e. a few milliseconds, which a sub-frame
 * alignment would inherit. Marks fix the placement: made once from the whole decode (when a library is indexed),
 * they hold, about every {@value #EVERY_SECONDS} s, the position and a 64-bit hash of a
 * {@value #BLOCK}-sample block of the native-rate down-mix that occurs only once within ±{@value #SEARCH}
 * samples of it. {@link #window} seeks, finds the block's hash in what it decoded (a rolling hash, one pass) and
 * so knows the shift exactly; the samples it returns are bit for bit the whole decode's (a test holds this on a
 * real OGG recording). When no mark confirms the placement — a stream that decodes differently after a seek, a
 * file changed since its marks were made — it says so ({@code null}), and the caller decodes from the start.
 */
public record SeekMarks(int sampleRate, int[] positions, long[] hashes) {
    /** No marks (an index made before marks, or a recording too short or silent for any). */
    public static final SeekMarks NONE = new SeekMarks(0, new int[0], new long[0]);

    /** Samples a mark covers. */
    public static final int BLOCK = 256;
    /** Largest seek error, in samples either way, a mark corrects (and within which its block is unique). */
    public static final int SEARCH = 4096;
    /** Seconds between marks. */
    public static final double EVERY_SECONDS = 2.0;

    private static final long P = 0x100000001b3L; // FNV prime: odd, so P^k never becomes 0 modulo 2^64
    private static final long P_BLOCK = pow(P, BLOCK - 1);

    public SeekMarks {
        if (positions.length != hashes.length) {
            throw new IllegalArgumentException(positions.length + " positions for " + hashes.length + " hashes");
        }
        for (int i = 1; i < positions.length; i++) {
            if (positions[i] <= positions[i - 1]) {
                throw new IllegalArgumentException("mark positions must increase: " + positions[i - 1] + ", "
                        + positions[i]);
            }
        }
    }

    public int size() {
        return positions.length;
    }

    /**
     * Marks of the native-rate down-mix {@code x} at {@code rate} Hz: for each multiple of
     * {@value #EVERY_SECONDS} s, the first block from there on (within half that) that is not constant and
     * whose hash occurs once within ±{@value #SEARCH} samples; none where the music is silent or repeats exactly.
     */
    public static SeekMarks of(float[] x, int rate) {
        int step = (int) Math.round(EVERY_SECONDS * rate);
        int n = x.length / step + 1;
        int[] pos = new int[n];
        long[] hs = new long[n];
        int k = 0;
        for (long p0 = step; p0 + BLOCK + SEARCH <= x.length; p0 += step) {
            for (long p = p0; p < p0 + step / 2 && p + BLOCK + SEARCH <= x.length; p += BLOCK / 4) {
                int at = (int) p;
                if (constant(x, at) || (k > 0 && at <= pos[k - 1])) {
                    continue;
                }
                long h = hash(x, at);
                if (find(x, at - SEARCH, at + SEARCH, h) >= 0) { // only the block itself nearby
                    pos[k] = at;
                    hs[k++] = h;
                    break;
                }
            }
        }
        return new SeekMarks(rate, Arrays.copyOf(pos, k), Arrays.copyOf(hs, k));
    }

    /**
     * Samples [{@code from}, {@code from + length}) of the native-rate down-mix of {@code file}, decoded from a seek
     * and placed by a mark; fewer when the stream ends first, exactly as a whole decode would end. {@code null} when no mark lies before the window
     * (decoding from the start costs no more then), or the mark's block is not found exactly once where the
     * seek put the samples.
     */
    public float[] window(Path file, long from, int length) {
        int k = Arrays.binarySearch(positions, (int) Math.min(Integer.MAX_VALUE, Math.max(0, from)));
        k = k >= 0 ? k : -k - 2; // the last mark at or before the window
        if (k < 0 || sampleRate <= 0 || from < 0) {
            return null;
        }
        long mark = positions[k];
        long first = mark - SEARCH; // what is decoded: the mark's search range and the window
        if (first <= 0) {
            return null; // so close to the start that decoding from it costs no more
        }
        long last = Math.max(from + length, mark + BLOCK) + SEARCH;
        DecodedAudio a = AudioDecoder.decode(file, (double) first / sampleRate, (double) (last - first) / sampleRate);
        if (a.sampleRate() != sampleRate) {
            return null;
        }
        float[] d = a.downmix();
        // d[i] is sample first + i + shift of the stream: the block starting at mark sits at d[mark - first - shift]
        int found = find(d, 0, 2 * SEARCH, hashes[k]);
        if (found < 0) {
            return null;
        }
        long shift = mark - first - found;
        long src = from - first - shift; // d index of sample `from`
        long avail = d.length - src;
        if (src < 0 || (avail < length && a.cutAtLimit())) {
            return null; // a window the decode did not cover (the margins rule it out, but never guess)
        }
        int len = (int) Math.max(0, Math.min(length, avail));
        return Arrays.copyOfRange(d, (int) src, (int) src + len);
    }

    /**
     * The one start in [lo, hi] (clamped to the blocks x holds) of a block of x with hash h, or −1 when there is
     * none or more than one.
     */
    private static int find(float[] x, int lo, int hi, long h) {
        lo = Math.max(0, lo);
        hi = Math.min(x.length - BLOCK, hi);
        if (hi < lo) {
            return -1;
        }
        int at = -1;
        long r = hash(x, lo);
        for (int i = lo; ; i++) {
            if (r == h) {
                if (at >= 0) {
                    return -1;
                }
                at = i;
            }
            if (i == hi) {
                return at;
            }
            r = (r - bits(x[i]) * P_BLOCK) * P + bits(x[i + BLOCK]);
        }
    }

    /** Polynomial hash (modulo 2^64) of the bit patterns of x[at .. at + BLOCK). */
    static long hash(float[] x, int at) {
        long h = 0;
        for (int i = 0; i < BLOCK; i++) {
            h = h * P + bits(x[at + i]);
        }
        return h;
    }

    private static long bits(float v) {
        return Float.floatToRawIntBits(v) & 0xffffffffL;
    }

    private static boolean constant(float[] x, int at) {
        float v = x[at];
        for (int i = 1; i < BLOCK; i++) {
            if (x[at + i] != v) {
                return false;
            }
        }
        return true;
    }

    private static long pow(long b, int e) {
        long r = 1;
        for (int i = 0; i < e; i++) {
            r *= b;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeekMarks m && m.sampleRate == sampleRate && Arrays.equals(m.positions, positions)
                && Arrays.equals(m.hashes, hashes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * sampleRate + Arrays.hashCode(positions)) + Arrays.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "SeekMarks[" + positions.length + " at " + sampleRate + " Hz]";
    }
}
