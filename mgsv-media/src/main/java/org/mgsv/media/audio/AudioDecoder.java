package org.mgsv.media.audio;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.mgsv.core.MgsvException;

/**
 * Decodes the first audio stream of any container/codec FFmpeg reads (ogg/vorbis, mp3, aac/m4a, mp4/mkv/webm
 * sound tracks, flac, wav, opus, ...) in-process through JavaCV's bundled FFmpeg libraries; no ffmpeg binary is
 * needed. Output is float PCM per channel at the stream's own sample rate (no resampling, no down-mix), scaled
 * like torchaudio's loaders (16-bit PCM is divided by 32768).
 *
 * <p>Errors name the file: missing/unreadable files, files FFmpeg cannot open (not media, unsupported), files
 * without an audio stream, and streams that decode to nothing or fail midway (corrupt/truncated).
 */
public final class AudioDecoder {
    static {
        FFmpegLogCallback.setLevel(avutil.AV_LOG_QUIET);
    }

    private AudioDecoder() {}

    /** Decodes all channels of the first audio stream of {@code file}. */
    public static DecodedAudio decode(Path file) {
        return decode(file, Double.POSITIVE_INFINITY);
    }

    /**
     * Decodes at most the first {@code maxSeconds} of the first audio stream (all channels); when the stream is
     * longer, the result says so ({@link DecodedAudio#cutAtLimit()}) and carries the container's announced
     * duration. Saves time and memory for long recordings when only their start is needed.
     */
    public static DecodedAudio decode(Path file, double maxSeconds) {
        return decode(file, 0, maxSeconds);
    }

    /**
     * Decodes at most {@code maxSeconds} of the first audio stream from {@code startSeconds} on (all channels):
     * the demuxer seeks close before the start, the frames' time stamps place the samples exactly, and only the
     * window is kept, so memory is bounded by the window whatever the track's length. Sample 0 of the result is
     * sample {@code round(startSeconds * rate)} of the stream. A start at or past the end gives no samples (an
     * error, as for an empty stream). An interrupt of the calling thread (a cancelled request) stops decoding.
     */
    public static DecodedAudio decode(Path file, double startSeconds, double maxSeconds) {
        if (!(startSeconds >= 0) || Double.isInfinite(startSeconds)) {
            throw new IllegalArgumentException("start must be a finite number >= 0, got " + startSeconds);
        }
        if (!Files.isRegularFile(file)) {
            throw new MgsvException("audio file not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new MgsvException("audio file not readable: " + file);
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        g.setSampleMode(FrameGrabber.SampleMode.FLOAT);
        // planar float: what most decoders (Vorbis, AAC, Opus, MP3) produce, so no interleaving pass in FFmpeg and
        // none undone here (about 12 % of a Vorbis decode; the same samples)
        g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLTP);
        try {
            try {
                g.start();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new MgsvException("cannot open " + file + " as audio: not a media file FFmpeg can read ("
                        + firstLine(e) + ")", e);
            }
            if (!g.hasAudio() || g.getAudioChannels() <= 0 || g.getSampleRate() <= 0) {
                throw new MgsvException("no audio stream in " + file);
            }
            int channels = g.getAudioChannels();
            int rate = g.getSampleRate();
            double expect = g.getLengthInTime() > 0 ? g.getLengthInTime() / 1e6 * rate : 0;
            long first = Math.round(startSeconds * rate); // stream index of the first sample kept
            long limit = Double.isInfinite(maxSeconds) ? Long.MAX_VALUE : (long) Math.ceil(maxSeconds * rate);
            double capSamples = Math.min(Math.max(0, expect - first) * 1.02 + 8192, limit + 8192.0);
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1 << 16, (long) capSamples));
            boolean cut = false;
            long startTime = g.getFormatContext() != null && g.getFormatContext().start_time() != avutil.AV_NOPTS_VALUE
                    ? g.getFormatContext().start_time() : 0; // AV_TIME_BASE = microseconds
            if (first > 0) {
                try {
                    // a little before the start: the time stamps of the frames decoded after it place the window
                    g.setAudioTimestamp(Math.max(0, (long) ((startSeconds - 0.5) * 1e6)));
                } catch (FrameGrabber.Exception | RuntimeException e) {
                    throw new MgsvException("cannot seek to " + startSeconds + " s in " + file + " ("
                            + firstLine(e) + ")", e);
                }
            }
            float[][] pcm = new float[channels][first > 0 ? (int) Math.min(cap, limit + 8192) : cap];
            int n = 0;
            long at = -1; // stream index of the next decoded sample (from the frames' time stamps)
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new MgsvException("decoding " + file + " was cancelled");
                }
                Frame f;
                try {
                    f = g.grabSamples();
                } catch (FrameGrabber.Exception | RuntimeException e) {
                    if (n > 0 && expect > 0 && first + n >= 0.98 * expect) {
                        break; // error at the very end of a stream: keep what decoded
                    }
                    throw new MgsvException("corrupt or truncated audio in " + file + " after "
                            + String.format(Locale.ROOT, "%.2f", (double) n / rate) + " s (" + firstLine(e) + ")", e);
                }
                if (f == null) {
                    break;
                }
                if (f.samples == null) {
                    continue;
                }
                Buffer[] bufs = f.samples;
                int inFrame = bufs.length == channels ? bufs[0].remaining()
                        : bufs.length == 1 ? bufs[0].remaining() / channels : -1;
                if (inFrame < 0) {
                    throw new MgsvException("unsupported sample layout in " + file + ": " + bufs.length
                            + " planes for " + channels + " channels");
                }
                if (at < 0) {
                    // the stream's start time (an MP3's encoder delay, for one) is where sample 0 of a whole decode lies
                    at = first > 0 && f.timestamp >= 0 ? Math.round((f.timestamp - startTime) * (double) rate / 1e6) : 0;
                }
                // samples of this frame before the window are skipped, never stored
                int skip = (int) Math.max(0, Math.min(inFrame, first - at));
                at += inFrame;
                int got = inFrame - skip;
                if (got == 0) {
                    continue;
                }
                if (bufs.length == channels) {
                    pcm = ensure(pcm, n + got);
                    for (int c = 0; c < channels; c++) {
                        read(bufs[c], pcm[c], n, 1, skip, got);
                    }
                } else if (bufs.length == 1) {
                    pcm = ensure(pcm, n + got);
                    for (int c = 0; c < channels; c++) {
                        read(bufs[0], pcm[c], n, channels, c + skip * channels, got);
                    }
                } else {
                    throw new MgsvException("unsupported sample layout in " + file + ": " + bufs.length
                            + " planes for " + channels + " channels");
                }
                n += got;
                if (n >= limit) {
                    cut = true;
                    n = (int) limit;
                    break;
                }
            }
            if (n == 0) {
                throw new MgsvException("no decodable audio samples in " + file + " (corrupt or empty stream)");
            }
            if (!cut && first == 0 && expect > rate && n < 0.5 * expect) {
                throw new MgsvException(String.format(Locale.ROOT, "truncated audio in %s: decoded %.2f s of %.2f s announced",
                        file, (double) n / rate, expect / rate));
            }
            for (int c = 0; c < channels; c++) {
                pcm[c] = pcm[c].length == n ? pcm[c] : Arrays.copyOf(pcm[c], n);
            }
            return new DecodedAudio(pcm, rate, g.getAudioCodecName(), cut, expect / rate);
        } finally {
            try {
                g.release();
            } catch (FrameGrabber.Exception | RuntimeException ignored) {
                // nothing useful to do
            }
        }
    }

    private static float[][] ensure(float[][] pcm, int need) {
        if (pcm[0].length >= need) {
            return pcm;
        }
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) need, pcm[0].length * 3L / 2));
        for (int c = 0; c < pcm.length; c++) {
            pcm[c] = Arrays.copyOf(pcm[c], cap);
        }
        return pcm;
    }

    /** Copies {@code count} samples (every {@code stride}-th starting at {@code offset}) into dst[at..]. */
    private static void read(Buffer b, float[] dst, int at, int stride, int offset, int count) {
        int pos = b.position();
        if (b instanceof FloatBuffer fb) {
            if (stride == 1) {
                fb.get(pos + offset, dst, at, count);
            } else {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = fb.get(pos + offset + i * stride);
                }
            }
        } else if (b instanceof java.nio.ShortBuffer sb) {
            for (int i = 0; i < count; i++) {
                dst[at + i] = sb.get(pos + offset + i * stride) / 32768f;
            }
        } else if (b instanceof java.nio.IntBuffer ib) {
            for (int i = 0; i < count; i++) {
                dst[at + i] = (float) (ib.get(pos + offset + i * stride) / 2147483648.0);
            }
        } else if (b instanceof java.nio.DoubleBuffer db) {
            for (int i = 0; i < count; i++) {
                dst[at + i] = (float) db.get(pos + offset + i * stride);
            }
        } else if (b instanceof ByteBuffer bb) {
            for (int i = 0; i < count; i++) {
                dst[at + i] = ((bb.get(pos + offset + i * stride) & 0xff) - 128) / 128f;
            }
        } else {
            throw new IllegalStateException("unexpected sample buffer " + b.getClass());
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
