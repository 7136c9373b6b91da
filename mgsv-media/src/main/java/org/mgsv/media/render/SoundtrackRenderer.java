package org.mgsv.media.render;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.video.VideoDecoder;

/**
 * Writes a video with a music moment as its soundtrack: the track's [start, end] seconds, loudness-normalised to
 * about −14 LUFS (ITU-R BS.1770 integrated loudness of the moment, {@link Loudness}; the gain is capped so the
 * sample peak stays below −1 dBFS), faded in and out, cut or padded with silence to the video's duration; the
 * video's own audio is dropped or ducked under the music. The picture is copied as is (no re-encoding: same
 * quality, rotation metadata kept, fast) when the MP4 container takes its codec; otherwise, or with
 * {@code copyVideo} off, it is re-encoded to H.264 (OpenH264, or MPEG-4 Part 2 when H.264 is unavailable) at the
 * source's frame rate and size, upright (container rotation applied). The audio is AAC, 48 kHz stereo, in an MP4. The output appears atomically (written to a temporary sibling,
 * then renamed). The picture is taken frame by frame at a constant rate, so variable-frame-rate sources are
 * retimed to their average rate.
 */
public final class SoundtrackRenderer {
    static final int RATE = 48_000;
    static final int CHANNELS = 2;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    }

    /** What happens to the video's own sound. */
    public enum OriginalAudio { DROP, DUCK }

    /**
     * @param fadeInSeconds  fade-in length at the start of the soundtrack
     * @param fadeOutSeconds fade-out length at its end
     * @param targetLufs     loudness target of the music (−14 for streaming platforms)
     * @param original       drop or duck the video's own audio
     * @param duckDb         gain of the ducked original audio (e.g. −18 dB)
     * @param audioBitrate   AAC bitrate in bit/s
     */
    public record Options(double fadeInSeconds, double fadeOutSeconds, double targetLufs, OriginalAudio original,
                          double duckDb, int audioBitrate, boolean copyVideo) {
        public static Options defaults() {
            return new Options(0.5, 1.5, -14.0, OriginalAudio.DROP, -18.0, 192_000, true);
        }

        public Options withOriginal(OriginalAudio o) {
            return new Options(fadeInSeconds, fadeOutSeconds, targetLufs, o, duckDb, audioBitrate, copyVideo);
        }

        public Options withCopyVideo(boolean copy) {
            return new Options(fadeInSeconds, fadeOutSeconds, targetLufs, original, duckDb, audioBitrate, copy);
        }
    }

    /** What was written. */
    public record Result(Path output, double videoSeconds, int videoFrames, double musicStart, double musicEnd,
                         double musicLufs, double gainDb, String videoCodec) {
        public String summary() {
            return String.format(Locale.ROOT,
                    "wrote %s: %.2f s, %d frames (%s); music %.2f–%.2f s at %.1f LUFS, gain %+.1f dB",
                    output, videoSeconds, videoFrames, videoCodec, musicStart, musicEnd, musicLufs, gainDb);
        }
    }

    private SoundtrackRenderer() {}

    public static Result render(Path video, Path music, double start, double end, Path out, Options o) {
        if (!(start >= 0) || !(end > start)) {
            throw new MgsvException(String.format(Locale.ROOT, "bad music moment [%.3f, %.3f]: need 0 <= start < end",
                    start, end));
        }
        if (!Files.isRegularFile(video)) {
            throw new MgsvException(video + ": no such video file");
        }
        if (!Files.isRegularFile(music)) {
            throw new MgsvException(music + ": no such music file");
        }
        for (Path in : new Path[] {video, music}) {
            try {
                if (Files.exists(out) && Files.isSameFile(out, in)) {
                    throw new MgsvException("the output " + out + " is the input " + in
                            + ": it would be overwritten; choose another output file");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        VideoDecoder.VideoInfo info = new VideoDecoder().probe(video);
        double videoSeconds = info.durationSeconds();
        if (!(videoSeconds > 0)) {
            throw new MgsvException(video + ": unknown duration");
        }
        int total = (int) Math.round(videoSeconds * RATE);

        // the music moment: decoded from the start of the track (exact sample positions), 48 kHz stereo
        float[][] track = decodeAudio(music, start, Math.min(end, start + videoSeconds), "music");
        if (track[0].length == 0) {
            throw new MgsvException(String.format(Locale.ROOT, "%s: no audio between %.2f s and %.2f s", music, start, end));
        }
        double lufs = Loudness.integrated(track, RATE);
        double gainDb = Double.isInfinite(lufs) ? 0 : o.targetLufs() - lufs;
        float peak = 0;
        for (float[] ch : track) {
            for (float v : ch) {
                peak = Math.max(peak, Math.abs(v));
            }
        }
        if (peak > 0) {
            double maxGainDb = -1.0 - 20 * Math.log10(peak);
            gainDb = Math.min(gainDb, maxGainDb);
        }
        float gain = (float) Math.pow(10, gainDb / 20);
        float[][] mix = new float[CHANNELS][total];
        int n = Math.min(total, track[0].length);
        int fadeIn = (int) Math.round(o.fadeInSeconds() * RATE);
        int fadeOut = (int) Math.round(o.fadeOutSeconds() * RATE);
        for (int c = 0; c < CHANNELS; c++) {
            for (int i = 0; i < n; i++) {
                float env = 1f;
                if (fadeIn > 0 && i < fadeIn) {
                    env = (float) i / fadeIn;
                }
                if (fadeOut > 0 && i >= n - fadeOut) {
                    env = Math.min(env, (float) (n - 1 - i) / fadeOut);
                }
                mix[c][i] = track[c][i] * gain * env;
            }
        }
        if (o.original() == OriginalAudio.DUCK) {
            float[][] orig = decodeAudio(video, 0, videoSeconds, null);
            float dg = (float) Math.pow(10, o.duckDb() / 20);
            for (int c = 0; c < CHANNELS; c++) {
                int m = Math.min(total, orig[c].length);
                for (int i = 0; i < m; i++) {
                    mix[c][i] += orig[c][i] * dg;
                }
            }
        }
        for (float[] ch : mix) {
            for (int i = 0; i < ch.length; i++) {
                ch[i] = Math.max(-1f, Math.min(1f, ch[i]));
            }
        }
        String fileName = out.getFileName().toString();
        Path tmp = out.toAbsolutePath().getParent().resolve("." + fileName + ".part");
        try {
            Files.createDirectories(tmp.getParent());
            Result r = null;
            if (o.copyVideo()) {
                Path m4a = tmp.resolveSibling("." + fileName + ".audio.m4a");
                try {
                    writeAudioOnly(mix, m4a, o.audioBitrate());
                    int frames = Remux.copy(video, m4a, tmp);
                    r = new Result(tmp, videoSeconds, frames, 0, 0, 0, 0, "copy");
                } catch (Remux.RemuxException e) {
                    Files.deleteIfExists(tmp); // fall back to re-encoding the picture
                } finally {
                    Files.deleteIfExists(m4a);
                }
            }
            if (r == null) {
                r = write(video, info, mix, tmp, o.audioBitrate());
            }
            AtomicFiles.move(tmp, out);
            return new Result(out, videoSeconds, r.videoFrames(), start, start + n / (double) RATE, lufs, gainDb,
                    r.videoCodec());
        } catch (java.io.IOException e) {
            throw new MgsvException("cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (java.io.IOException ignored) {
                // best effort
            }
        }
    }

    /**
     * Decodes [from, to) seconds of a file's audio as 48 kHz stereo planar floats. With {@code what == null} a
     * file without audio gives silence; otherwise it is an error.
     */
    static float[][] decodeAudio(Path file, double from, double to, String what) {
        long first = Math.round(from * RATE);
        long last = Math.round(to * RATE);
        int len = (int) Math.max(0, last - first);
        float[][] out = new float[CHANNELS][len];
        int got = 0;
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        g.setSampleRate(RATE);
        g.setAudioChannels(CHANNELS);
        g.setSampleMode(FrameGrabber.SampleMode.FLOAT);
        try {
            try {
                g.start();
            } catch (Exception e) {
                throw new MgsvException(file + ": cannot open" + (what == null ? "" : " the " + what) + " ("
                        + reason(e) + ")", e);
            }
            if (g.getAudioStream() < 0 || g.getAudioChannels() <= 0) {
                if (what == null) {
                    return out; // silence
                }
                throw new MgsvException(file + ": no audio stream in the " + what + " file");
            }
            long pos = 0; // samples per channel seen so far
            Frame f;
            while (got < len && (f = g.grabSamples()) != null) {
                if (f.samples == null) {
                    continue;
                }
                int ch = f.audioChannels;
                if (f.samples.length == 1) {
                    FloatBuffer fb = (FloatBuffer) f.samples[0];
                    int frames = fb.remaining() / ch;
                    for (int i = 0; i < frames; i++, pos++) {
                        if (pos >= first && got < len) {
                            for (int c = 0; c < CHANNELS; c++) {
                                out[c][got] = fb.get(fb.position() + i * ch + Math.min(c, ch - 1));
                            }
                            got++;
                        }
                    }
                } else {
                    FloatBuffer[] planes = new FloatBuffer[f.samples.length];
                    for (int c = 0; c < planes.length; c++) {
                        planes[c] = (FloatBuffer) f.samples[c];
                    }
                    int frames = planes[0].remaining();
                    for (int i = 0; i < frames; i++, pos++) {
                        if (pos >= first && got < len) {
                            for (int c = 0; c < CHANNELS; c++) {
                                FloatBuffer p = planes[Math.min(c, planes.length - 1)];
                                out[c][got] = p.get(p.position() + i);
                            }
                            got++;
                        }
                    }
                }
            }
        } catch (MgsvException e) {
            throw e;
        } catch (Exception e) {
            throw new MgsvException(file + ": cannot decode audio (" + reason(e) + ")", e);
        } finally {
            try {
                g.release();
            } catch (Exception ignored) {
                // nothing more to do
            }
        }
        // original audio (what == null) shorter than the video: the rest of out is silence already
        if (got < len && what != null) {
            float[][] cut = new float[CHANNELS][];
            for (int c = 0; c < CHANNELS; c++) {
                cut[c] = java.util.Arrays.copyOf(out[c], got);
            }
            return cut;
        }
        return out;
    }

    /** The soundtrack alone, AAC in MP4. */
    private static void writeAudioOnly(float[][] audio, Path file, int bitrate) {
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), CHANNELS);
        try {
            rec.setFormat("mp4");
            rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            rec.setSampleRate(RATE);
            rec.setAudioChannels(CHANNELS);
            rec.setAudioBitrate(bitrate);
            rec.start();
            writeAudio(rec, audio, 0, audio[0].length, new float[4096 * CHANNELS]);
            rec.stop();
        } catch (Exception e) {
            throw new MgsvException("cannot encode the soundtrack (" + reason(e) + ")", e);
        } finally {
            try {
                rec.release();
            } catch (Exception ignored) {
                // nothing more to do
            }
        }
    }

    private static Result write(Path video, VideoDecoder.VideoInfo info, float[][] audio, Path tmp, int audioBitrate) {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
        FFmpegFrameRecorder rec = null;
        int frames = 0;
        String codec;
        try {
            try {
                g.start();
            } catch (Exception e) {
                throw new MgsvException(video + ": cannot open (" + reason(e) + ")", e);
            }
            double fps = info.fps() > 0 ? info.fps() : 30;
            int w = info.width();
            int h = info.height();
            rec = new FFmpegFrameRecorder(tmp.toFile(), w, h, CHANNELS);
            rec.setFormat("mp4");
            rec.setFrameRate(fps);
            AVCodec openH264 = avcodec.avcodec_find_encoder_by_name("libopenh264");
            if (openH264 != null && !openH264.isNull()) {
                rec.setVideoCodecName("libopenh264");
                codec = "h264";
            } else {
                rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                codec = "mpeg4";
            }
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            long bitrate = g.getVideoBitrate() > 0 ? g.getVideoBitrate() : (long) (w * (long) h * fps * 0.1);
            rec.setVideoBitrate((int) Math.max(1_000_000, Math.min(20_000_000, bitrate)));
            rec.setGopSize((int) Math.round(fps * 2));
            rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            rec.setSampleRate(RATE);
            rec.setAudioChannels(CHANNELS);
            rec.setAudioBitrate(audioBitrate);
            rec.start();

            int total = audio[0].length;
            int written = 0;
            float[] chunk = new float[4096 * CHANNELS];
            Frame f;
            while ((f = g.grabImage()) != null) {
                Frame img = info.rotation() == 0 ? f : rotate(f, info.rotation());
                rec.record(img);
                frames++;
                int until = (int) Math.min(total, Math.round(frames / fps * RATE));
                written = writeAudio(rec, audio, written, until, chunk);
            }
            writeAudio(rec, audio, written, total, chunk);
            rec.stop();
            if (frames == 0) {
                throw new MgsvException(video + ": no video frames to render");
            }
            return new Result(tmp, info.durationSeconds(), frames, 0, 0, 0, 0, codec);
        } catch (MgsvException e) {
            throw e;
        } catch (Exception e) {
            throw new MgsvException("rendering " + video + " failed (" + reason(e) + ")", e);
        } finally {
            if (rec != null) {
                try {
                    rec.release();
                } catch (Exception ignored) {
                    // nothing more to do
                }
            }
            try {
                g.release();
            } catch (Exception ignored) {
                // nothing more to do
            }
        }
    }

    private static int writeAudio(FFmpegFrameRecorder rec, float[][] audio, int from, int to, float[] chunk)
            throws FFmpegFrameRecorder.Exception {
        int pos = from;
        while (pos < to) {
            int n = Math.min(to - pos, chunk.length / CHANNELS);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < CHANNELS; c++) {
                    chunk[i * CHANNELS + c] = audio[c][pos + i];
                }
            }
            rec.recordSamples(RATE, CHANNELS, FloatBuffer.wrap(chunk, 0, n * CHANNELS));
            pos += n;
        }
        return pos;
    }

    /** FFmpeg's own text for a JavaCV exception's message. */
    private static String reason(Exception e) {
        return VideoDecoder.ffmpegReason(String.valueOf(e.getMessage()));
    }

    /** A rotated copy of a packed 8-bit frame (BGR24 from the grabber). */
    private static Frame rotate(Frame f, int clockwise) {
        int w = f.imageWidth;
        int h = f.imageHeight;
        int stride = f.imageStride;
        java.nio.ByteBuffer src = (java.nio.ByteBuffer) f.image[0];
        byte[] packed = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w * 3; x++) {
                packed[y * w * 3 + x] = src.get(y * stride + x);
            }
        }
        RgbFrame r = VideoDecoder.rotate(new RgbFrame(0, w, h, packed), clockwise);
        Frame out = new Frame(r.width(), r.height(), Frame.DEPTH_UBYTE, 3);
        java.nio.ByteBuffer dst = (java.nio.ByteBuffer) out.image[0];
        for (int y = 0; y < r.height(); y++) {
            dst.position(y * out.imageStride);
            dst.put(r.rgb(), y * r.width() * 3, r.width() * 3);
        }
        dst.position(0);
        return out;
    }
}
