package org.mgsv.media.audio;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Threads;
import org.mgsv.media.encode.FbankWindows;

/**
 * The AST music front end of the MGSV reference: audio file → 96 normalised Kaldi fbank windows + mask.
 *
 * <ol>
 *   <li>decode ({@link AudioDecoder}), resample every needed channel to 16 kHz ({@link Resampler}, torchaudio's
 *       default sinc), then take <b>channel 0</b> as the reference does ({@link Channels#FIRST}); or, with
 *       {@link Channels#DOWNMIX}, the mean of all channels (computed before resampling — resampling is linear,
 *       so this equals the mean of the resampled channels up to float rounding; not what the published
 *       features used);</li>
 *   <li>pad with zeros or cut to 240 s (3 840 000 samples); duration = resampled samples / 16000;</li>
 *   <li>window s (centre c = 2.5·s s, s = 0..95) covers samples [int(16000·max(0, c−5)), int(16000·min(240, c+5)));
 *       its {@link KaldiFbank} frames (snip_edges) are zero-padded to 1024 rows;</li>
 *   <li>every value, padded rows included, becomes (x + 4.2677393) / (4.5689974·2);</li>
 *   <li>mask[s] = 1 iff c ≤ duration.</li>
 * </ol>
 *
 * <p>Speed: every window starts at a multiple of 2.5 s = 250 frame shifts, so frame i of window s is frame
 * start_s/160 + i of one global 10 ms grid over the padded track, and its 400 samples are the same. The grid's
 * frames (23 998 for 240 s) are computed once and shared by the (up to four) windows that contain them —
 * bit-identical to computing each window on its own, at a quarter of the cost. All-zero frames (padding) skip
 * the FFT (their value is the log floor, exactly as torchaudio). Frames and resampling are split over
 * {@code threads} worker threads.
 */
public final class AstFrontEnd {
    public static final double MAX_DURATION_S = 240.0;
    public static final double STRIDE_S = 2.5;
    public static final double HALF_WINDOW_S = 5.0;
    public static final int SAMPLES = (int) (MAX_DURATION_S * KaldiFbank.SAMPLE_RATE);
    public static final float NORM_MEAN = -4.2677393f;
    public static final float NORM_DIV = (float) (4.5689974 * 2);
    /** Value of a zero-padded row after normalisation. */
    public static final float PAD_VALUE = (0f - NORM_MEAN) / NORM_DIV;

    /** Which audio the fbank sees. */
    public enum Channels {
        /** Channel 0 after resampling (the reference; default). */
        FIRST,
        /** Mean of all channels. */
        DOWNMIX
    }

    private final Channels channels;
    private final int threads;

    public AstFrontEnd() {
        this(Channels.FIRST, Threads.defaultCount());
    }

    public AstFrontEnd(Channels channels, int threads) {
        this.channels = channels;
        this.threads = Math.max(1, threads);
    }

    /** Window centre in seconds. */
    public static double centre(int s) {
        return s * STRIDE_S;
    }

    /** First sample of window s (inclusive). */
    public static int windowStart(int s) {
        return (int) (KaldiFbank.SAMPLE_RATE * Math.max(0.0, centre(s) - HALF_WINDOW_S));
    }

    /** End sample of window s (exclusive). */
    public static int windowEnd(int s) {
        return (int) (KaldiFbank.SAMPLE_RATE * Math.min(MAX_DURATION_S, centre(s) + HALF_WINDOW_S));
    }

    /** Number of Kaldi frames of window s before padding to 1024 rows. */
    public static int rawFrames(int s) {
        return KaldiFbank.numFrames(windowEnd(s) - windowStart(s));
    }

    /** Seconds decoded from a file: the 240 s the windows see plus a margin for the resampler's filter. */
    public static final double DECODE_SECONDS = MAX_DURATION_S + 1;

    /**
     * Decodes (the first {@link #DECODE_SECONDS} s), resamples and selects the channel(s): the 16 kHz waveform
     * the fbank sees (not yet padded/cut).
     */
    public float[] waveform16k(Path file) {
        return waveform16k(AudioDecoder.decode(file, DECODE_SECONDS));
    }

    /**
     * As {@link #waveform16k(Path)} from already decoded audio. The PCM is first brought to what the reference's
     * loader returns ({@link DecodedAudio#referencePcm()}: 16-bit for Ogg Vorbis, unchanged otherwise).
     */
    public float[] waveform16k(DecodedAudio decoded) {
        float[] src = channels == Channels.FIRST ? decoded.referenceChannel(0) : decoded.referencePcm().downmix();
        return resample(src, decoded.sampleRate());
    }

    private float[] resample(float[] x, int rate) {
        if (rate == KaldiFbank.SAMPLE_RATE) {
            return x;
        }
        Resampler r = Resampler.of(rate, KaldiFbank.SAMPLE_RATE);
        long len = r.outputLength(x.length);
        float[] y = new float[(int) len];
        parallel((int) len, (from, to) -> r.apply(x, y, from, to));
        return y;
    }

    /**
     * All 96 windows + mask of an audio file. Only the first {@link #DECODE_SECONDS} s are decoded; the duration
     * of a longer track comes from its container (all its windows are valid either way).
     */
    public FbankWindows compute(Path file) {
        DecodedAudio a = AudioDecoder.decode(file, DECODE_SECONDS);
        float[] w = waveform16k(a);
        if (w.length == 0) {
            throw new MgsvException("no audio samples in " + file);
        }
        FbankWindows f = compute(w);
        return a.cutAtLimit() ? new FbankWindows(f.windows(), f.mask(), a.totalSeconds()) : f;
    }

    /** All 96 windows + mask of a 16 kHz waveform (any length; padded/cut to 240 s). */
    public FbankWindows compute(float[] wave16k) {
        int[] all = new int[FbankWindows.WINDOWS];
        for (int s = 0; s < all.length; s++) {
            all[s] = s;
        }
        float[][] win = computeWindows(wave16k, all);
        return new FbankWindows(win, mask(wave16k.length), (double) wave16k.length / KaldiFbank.SAMPLE_RATE);
    }

    /** mask[s] = 1 iff centre(s) ≤ duration, for a waveform of n samples at 16 kHz. */
    public static float[] mask(int n) {
        double duration = (double) n / KaldiFbank.SAMPLE_RATE;
        float[] m = new float[FbankWindows.WINDOWS];
        for (int s = 0; s < m.length; s++) {
            m[s] = centre(s) <= duration ? 1f : 0f;
        }
        return m;
    }

    /**
     * The selected windows only ({@code [windows.length][1024·128]}, normalised), sharing frames between them.
     * Samples beyond 240 s are ignored; missing samples are zeros.
     */
    public float[][] computeWindows(float[] wave16k, int[] windows) {
        int gridFrames = KaldiFbank.numFrames(SAMPLES);
        boolean[] needed = new boolean[gridFrames];
        for (int s : windows) {
            if (s < 0 || s >= FbankWindows.WINDOWS) {
                throw new IllegalArgumentException("window index " + s + " outside 0.." + (FbankWindows.WINDOWS - 1));
            }
            int g0 = windowStart(s) / KaldiFbank.FRAME_SHIFT;
            Arrays.fill(needed, g0, g0 + rawFrames(s), true);
        }
        int[] list = new int[gridFrames];
        int count = 0;
        for (int g = 0; g < gridFrames; g++) {
            if (needed[g]) {
                list[count++] = g;
            }
        }
        // grid frame g -> its 128 log-mel values (only needed ones filled)
        float[] grid = new float[gridFrames * KaldiFbank.MEL_BINS];
        // the padded/cut waveform is implicit: reads past wave16k.length or 240 s are zeros
        float[] wave = wave16k.length > SAMPLES ? Arrays.copyOf(wave16k, SAMPLES) : wave16k;
        final int total = count;
        ThreadLocal<KaldiFbank> fb = ThreadLocal.withInitial(KaldiFbank::new);
        parallel(total, (from, to) -> {
            KaldiFbank k = fb.get();
            for (int i = from; i < to; i++) {
                int g = list[i];
                k.frame(wave, g * KaldiFbank.FRAME_SHIFT, grid, g * KaldiFbank.MEL_BINS);
            }
        });
        float[][] out = new float[windows.length][];
        for (int w = 0; w < windows.length; w++) {
            int s = windows[w];
            float[] x = new float[FbankWindows.FRAMES * FbankWindows.MEL_BINS];
            int g0 = windowStart(s) / KaldiFbank.FRAME_SHIFT;
            int rows = Math.min(rawFrames(s), FbankWindows.FRAMES);
            int n = rows * KaldiFbank.MEL_BINS;
            int src = g0 * KaldiFbank.MEL_BINS;
            for (int i = 0; i < n; i++) {
                x[i] = (grid[src + i] - NORM_MEAN) / NORM_DIV;
            }
            Arrays.fill(x, n, x.length, PAD_VALUE);
            out[w] = x;
        }
        return out;
    }

    private interface Range {
        void run(int from, int to);
    }

    private void parallel(int n, Range r) {
        if (threads == 1 || n < 4096) {
            r.run(0, n);
            return;
        }
        ExecutorService ex = Executors.newFixedThreadPool(threads, Threads.daemonFactory("mgsv-fbank"));
        try {
            Future<?>[] fs = new Future<?>[threads];
            for (int i = 0; i < threads; i++) {
                int from = (int) ((long) n * i / threads), to = (int) ((long) n * (i + 1) / threads);
                fs[i] = ex.submit(() -> r.run(from, to));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } finally {
            ex.shutdown();
        }
    }
}
