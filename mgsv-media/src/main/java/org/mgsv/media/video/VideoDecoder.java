package org.mgsv.media.video;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_CL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_NCL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_FCC;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE240M;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.mgsv.core.MgsvException;
import org.mgsv.media.encode.RgbFrame;

/**
 * Decodes a video file in-process (FFmpeg through JavaCV) and samples it at 1 frame per second, the way the
 * MGSV-EC features were made: frame i stands for second i of the video, for i = 0, 1, ... up to
 * {@link #MAX_FRAMES} - 1 and while the video lasts.
 *
 * <p><b>Sampling rule.</b> Slots i = 0 .. min(floor(d), 49) for a video stream of duration d (the reference's
 * {@code i = 0 .. floor(video_end)}). Frame i is the first decoded frame whose presentation time t (relative to
 * the first video frame) satisfies {@code t >= i - 0.5/fps}, i.e. the frame nearest to second i (ties go to the
 * earlier frame); for the usual constant-rate video this is the frame shown at exactly second i. When no frame
 * lies at the last second (a video of exactly 30.0 s has its last frame at 29.97 s) the video's last frame
 * stands for it, as the reference's {@code end.jpg} does. A video of d seconds thus gives floor(d) + 1 frames. The decode is sequential (one pass, no seeking: seeking per
 * second is several times slower for long-GOP video); frames that are not selected are decoded but never
 * converted to RGB, and decoding stops as soon as frame 49 is taken.
 *
 * <p><b>Pixels.</b> Selected frames are converted to packed RGB24 with swscale (bicubic chroma upsampling,
 * accurate rounding), honouring the stream's colour matrix (BT.601/709/2020) and range (limited/full). A
 * display rotation stored in the container (phone videos) is applied, as the ffmpeg command line does by
 * default, so frames come out upright.
 *
 * <p><b>Errors.</b> A file that cannot be opened, has no video stream, or ends well before its declared
 * duration (truncated download) raises an {@link MgsvException} naming the file and the reason.
 */
public final class VideoDecoder {
    /** The number of frame slots of the MGSV model (50 seconds). */
    public static final int MAX_FRAMES = 50;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    }

    /** What the container says about a video. */
    public record VideoInfo(Path file, double durationSeconds, double fps, int width, int height, int rotation,
                            String format, String codec) {}

    /** The result of {@link #decode(Path)}. */
    public record DecodedVideo(VideoInfo info, List<RgbFrame> frames) {}

    private final int maxFrames;
    private final int decoderThreads;
    private final boolean skipNonReference;

    public VideoDecoder() {
        this(MAX_FRAMES, 0);
    }

    public VideoDecoder(int maxFrames, int decoderThreads) {
        this(maxFrames, decoderThreads, true);
    }

    /**
     * @param maxFrames        frames to sample at most (1 per second from second 0)
     * @param decoderThreads   FFmpeg decoder threads (0 = FFmpeg's automatic choice)
     * @param skipNonReference let the decoder drop non-reference frames (frames no other frame is predicted from)
     *                         that lie well before the next sampling point; the sampled frames stay bit-identical
     *                         (checked: if a dropped frame could have been the one to sample, the rest of the
     *                         video is decoded again without dropping)
     */
    public VideoDecoder(int maxFrames, int decoderThreads, boolean skipNonReference) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("maxFrames must be >= 1, got " + maxFrames);
        }
        this.maxFrames = maxFrames;
        this.decoderThreads = Math.max(0, decoderThreads);
        this.skipNonReference = skipNonReference;
    }

    /** Reads the container's header only: duration, frame rate, size, rotation. */
    public VideoInfo probe(Path file) {
        try (Session s = open(file)) {
            return s.info;
        }
    }

    /** Decodes and keeps all sampled frames (mind the memory: 50 frames of 1080p are 300 MB). */
    public DecodedVideo decode(Path file) {
        List<RgbFrame> frames = new ArrayList<>();
        VideoInfo info = decode(file, frames::add);
        return new DecodedVideo(info, frames);
    }

    /**
     * Decodes the file and hands each sampled frame to {@code sink} as soon as it is converted, in order, so a
     * caller can preprocess and drop frames without holding the whole video in memory.
     *
     * @return the video's info; {@code durationSeconds} is the container's duration, or the decoded length when
     *     the container does not declare one
     */
    public VideoInfo decode(Path file, Consumer<RgbFrame> sink) {
        int[] emitted = {0};
        Consumer<RgbFrame> counting = f -> {
            sink.accept(f);
            emitted[0]++;
        };
        try (Session s = open(file)) {
            return s.run(counting, 0, skipNonReference);
        } catch (SkippedTooMuch e) {
            // a dropped frame may have been the one to sample: decode again without dropping, from the first
            // slot not yet delivered (the delivered ones were verified)
            try (Session s = open(file)) {
                return s.run(counting, emitted[0], false);
            }
        }
    }

    /** Internal: frame dropping may have removed a frame that had to be sampled. */
    private static final class SkippedTooMuch extends RuntimeException {
        SkippedTooMuch() {
            super(null, null, false, false);
        }
    }

    /** Seconds before a sampling point from which every frame is decoded again. */
    static final double SKIP_MARGIN_S = 0.4;

    private static org.bytedeco.ffmpeg.avcodec.AVCodecContext codecContext(FFmpegFrameGrabber g) {
        try {
            java.lang.reflect.Field f = FFmpegFrameGrabber.class.getDeclaredField("video_c");
            f.setAccessible(true);
            return (org.bytedeco.ffmpeg.avcodec.AVCodecContext) f.get(g);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another JavaCV version: decode every frame
        }
    }

    private Session open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new MgsvException(file + ": no such video file");
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        g.setVideoOption("threads", Integer.toString(decoderThreads));
        // RAW: the grabber hands out the decoded picture as is (no RGB conversion of every frame); only the
        // sampled frames are converted below
        g.setImageMode(FrameGrabber.ImageMode.RAW);
        try {
            g.start();
        } catch (Exception | Error e) {
            safeRelease(g);
            throw new MgsvException(file + ": not a readable video (" + reason(e) + ")", e);
        }
        if (g.getVideoStream() < 0 || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            String fmt = g.getFormat();
            safeRelease(g);
            throw new MgsvException(file + ": no video stream (container " + fmt + ")");
        }
        double duration = videoStreamDuration(g);
        if (!(duration > 0)) {
            duration = Math.max(0, g.getLengthInTime()) / 1e6;
        }
        double fps = g.getVideoFrameRate();
        if (!(fps > 0) || !Double.isFinite(fps) || fps > 1000) {
            fps = 0;
        }
        int rotation = normaliseRotation(g.getDisplayRotation());
        boolean swap = rotation == 90 || rotation == 270;
        int w = swap ? g.getImageHeight() : g.getImageWidth();
        int h = swap ? g.getImageWidth() : g.getImageHeight();
        VideoInfo info = new VideoInfo(file, duration, fps, w, h, rotation, g.getFormat(), g.getVideoCodecName());
        return new Session(g, info);
    }

    /** The video stream's own duration (an audio track may outlast the picture), or 0 when not declared. */
    private static double videoStreamDuration(FFmpegFrameGrabber g) {
        try {
            org.bytedeco.ffmpeg.avformat.AVStream st = g.getFormatContext().streams(g.getVideoStream());
            long d = st.duration();
            if (d > 0 && d != avutil.AV_NOPTS_VALUE && st.time_base().den() > 0) {
                return d * (double) st.time_base().num() / st.time_base().den();
            }
        } catch (RuntimeException ignored) {
            // fall back to the container's duration
        }
        return 0;
    }

    /** Clockwise rotation in degrees (0, 90, 180, 270) that makes the frames upright. */
    static int normaliseRotation(double displayRotation) {
        if (!Double.isFinite(displayRotation)) {
            return 0;
        }
        // FFmpeg's display matrix angle is counter-clockwise; ffmpeg's autorotate turns by its negation.
        long r = Math.round(-displayRotation / 90.0) * 90;
        r %= 360;
        if (r < 0) {
            r += 360;
        }
        return (int) r;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return ffmpegReason(m);
    }

    /** Turns a JavaCV message such as {@code avformat_open_input() error -1094995529: ...} into FFmpeg's text. */
    public static String ffmpegReason(String message) {
        String m = message.replaceAll("\\s+", " ").trim();
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("error (-\\d+)").matcher(m);
        if (code.find()) {
            try (BytePointer buf = new BytePointer(256)) {
                if (avutil.av_strerror(Integer.parseInt(code.group(1)), buf, 256) == 0) {
                    byte[] b = new byte[256];
                    buf.get(b);
                    int n = 0;
                    while (n < b.length && b[n] != 0) {
                        n++;
                    }
                    String text = new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
                    return text.isEmpty() ? m : Character.toLowerCase(text.charAt(0)) + text.substring(1);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the raw message
            }
        }
        int hint = m.indexOf(" (For more details");
        return hint > 0 ? m.substring(0, hint) : m;
    }

    private static void safeRelease(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (Exception ignored) {
            // nothing more to do
        }
    }

    private final class Session implements AutoCloseable {
        final FFmpegFrameGrabber grabber;
        final VideoInfo info;
        SwsContext sws;
        int swsW = -1;
        int swsH = -1;
        int swsFmt = -1;
        int swsSpace = -1;
        int swsRange = -1;
        BytePointer rgbNative;
        long rgbNativeSize;
        AVFrame lastPicture;
        final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
        final IntPointer dstStride = new IntPointer(4);

        Session(FFmpegFrameGrabber grabber, VideoInfo info) {
            this.grabber = grabber;
            this.info = info;
        }

        VideoInfo run(Consumer<RgbFrame> sink, int firstSlot, boolean skip) {
            Path file = info.file();
            double half = info.fps() > 0 ? 0.5 / info.fps() : 0.02;
            org.bytedeco.ffmpeg.avcodec.AVCodecContext ctx = skip && info.fps() >= 5 ? codecContext(grabber) : null;
            boolean skipping = false;
            boolean skippedSinceLast = false;
            long firstTs = Long.MIN_VALUE;
            double lastT = -1;
            // the last slot is second floor(duration) (the reference's rule, docs/spec/MADE.md §1); when no frame
            // lies at that second (e.g. a video of exactly 30.0 s), the video's last frame stands for it
            int endSlot = info.durationSeconds() > 0
                    ? (int) Math.min(maxFrames - 1, Math.floor(info.durationSeconds() + 1e-6)) : -1;
            int next = 0;
            int decoded = 0;
            boolean eof = false;
            while (next < maxFrames && (endSlot < 0 || next <= endSlot)) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new MgsvException("decoding " + file + " was cancelled"); // its request timed out
                }
                if (ctx != null) {
                    boolean want = decoded > 0 && lastT + SKIP_MARGIN_S < next - half;
                    if (want != skipping) {
                        ctx.skip_frame(want ? org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONREF
                                : org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_DEFAULT);
                        skipping = want;
                    }
                    skippedSinceLast |= skipping;
                }
                Frame f;
                try {
                    f = grabber.grabFrame(false, true, true, false, false);
                } catch (Exception | Error e) {
                    if (decoded == 0) {
                        throw new MgsvException(file + ": cannot decode video (" + reason(e) + ")", e);
                    }
                    // a decode error after good frames: treat like the end of the stream (checked below)
                    eof = true;
                    break;
                }
                if (f == null) {
                    eof = true;
                    break;
                }
                if (f.image == null && !(f.opaque instanceof AVFrame)) {
                    continue;
                }
                decoded++;
                if (firstTs == Long.MIN_VALUE) {
                    firstTs = f.timestamp;
                }
                double t = (f.timestamp - firstTs) / 1e6;
                lastT = Math.max(lastT, t);
                if (endSlot >= 0 && t > endSlot - 2) {
                    // near the end: keep a reference to the newest picture, the "end frame" of the video
                    AVFrame ref = avutil.av_frame_clone((AVFrame) f.opaque);
                    if (ref != null) {
                        if (lastPicture != null) {
                            avutil.av_frame_free(lastPicture);
                        }
                        lastPicture = ref;
                    }
                }
                while (next < maxFrames && (endSlot < 0 || next <= endSlot) && t >= next - half) {
                    // this frame is the one nearest to second `next`; after a gap of whole seconds in a
                    // variable-rate stream, the first frame after the gap stands for each skipped second
                    if (skippedSinceLast && t > next + half * 1.01) {
                        // no decoded frame near second `next`: one that was dropped may have been it
                        throw new SkippedTooMuch();
                    }
                    if (next >= firstSlot) {
                        sink.accept(convert((AVFrame) f.opaque, next));
                    }
                    next++;
                    skippedSinceLast = false;
                }
            }
            if (decoded == 0) {
                throw new MgsvException(file + ": the video stream holds no decodable frame");
            }
            double frameDur = info.fps() > 0 ? 1.0 / info.fps() : 0;
            double decodedLength = lastT + frameDur;
            if (eof && info.durationSeconds() > 0) {
                double missing = info.durationSeconds() - decodedLength;
                if (missing > Math.max(1.0, 0.05 * info.durationSeconds())) {
                    throw new MgsvException(String.format(Locale.ROOT,
                            "%s: truncated or corrupt video: frames end at %.2f s but the file declares %.2f s",
                            file, decodedLength, info.durationSeconds()));
                }
            }
            if (eof && lastPicture != null) {
                if (skippedSinceLast && next <= endSlot) {
                    // the true last frame may have been dropped
                    throw new SkippedTooMuch();
                }
                while (next <= endSlot) {
                    if (next >= firstSlot) {
                        sink.accept(convert(lastPicture, next));
                    }
                    next++;
                }
            }
            if (info.durationSeconds() <= 0 && eof) {
                return new VideoInfo(info.file(), decodedLength, info.fps(), info.width(), info.height(),
                        info.rotation(), info.format(), info.codec());
            }
            return info;
        }

        private RgbFrame convert(AVFrame pic, int second) {
            if (pic == null) {
                throw new MgsvException(info.file() + ": decoder returned a frame without picture data");
            }
            int w = pic.width();
            int h = pic.height();
            int fmt = pic.format();
            int space = pic.colorspace();
            boolean full = pic.color_range() == AVCOL_RANGE_JPEG || fmt == AV_PIX_FMT_YUVJ420P
                    || fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUVJ444P;
            int range = full ? 1 : 0;
            if (sws == null || w != swsW || h != swsH || fmt != swsFmt || space != swsSpace || range != swsRange) {
                sws = swscale.sws_getCachedContext(sws, w, h, fmt, w, h, AV_PIX_FMT_RGB24,
                        swscale.SWS_BICUBIC | swscale.SWS_ACCURATE_RND | swscale.SWS_FULL_CHR_H_INT,
                        null, null, (DoublePointer) null);
                if (sws == null) {
                    throw new MgsvException(info.file() + ": cannot convert pixel format "
                            + avutil.av_get_pix_fmt_name(fmt).getString() + " to RGB");
                }
                IntPointer coeffs = swscale.sws_getCoefficients(swsColorspace(space));
                IntPointer rgbCoeffs = swscale.sws_getCoefficients(swscale.SWS_CS_DEFAULT);
                swscale.sws_setColorspaceDetails(sws, coeffs, range, rgbCoeffs, 1, 0, 1 << 16, 1 << 16);
                swsW = w;
                swsH = h;
                swsFmt = fmt;
                swsSpace = space;
                swsRange = range;
            }
            long size = (long) w * h * 3;
            if (rgbNative == null || rgbNativeSize < size) {
                if (rgbNative != null) {
                    rgbNative.close();
                }
                rgbNative = new BytePointer(size + 64);
                rgbNativeSize = size;
            }
            dstData.put(0, rgbNative);
            dstStride.put(0, w * 3);
            swscale.sws_scale(sws, pic.data(), pic.linesize(), 0, h, dstData, dstStride);
            byte[] rgb = new byte[(int) size];
            rgbNative.position(0).get(rgb, 0, (int) size);
            return rotate(new RgbFrame(second, w, h, rgb), info.rotation());
        }

        @Override
        public void close() {
            if (sws != null) {
                swscale.sws_freeContext(sws);
                sws = null;
            }
            if (rgbNative != null) {
                rgbNative.close();
            }
            if (lastPicture != null) {
                avutil.av_frame_free(lastPicture);
                lastPicture = null;
            }
            dstData.close();
            dstStride.close();
            safeRelease(grabber);
        }
    }

    private static int swsColorspace(int avSpace) {
        if (avSpace == AVCOL_SPC_BT709) {
            return swscale.SWS_CS_ITU709;
        }
        if (avSpace == AVCOL_SPC_FCC) {
            return swscale.SWS_CS_FCC;
        }
        if (avSpace == AVCOL_SPC_SMPTE240M) {
            return swscale.SWS_CS_SMPTE240M;
        }
        if (avSpace == AVCOL_SPC_BT2020_NCL || avSpace == AVCOL_SPC_BT2020_CL) {
            return swscale.SWS_CS_BT2020;
        }
        return swscale.SWS_CS_DEFAULT; // BT.601, also FFmpeg's choice for unspecified
    }

    /** Rotates a packed RGB (or BGR) frame clockwise by 0/90/180/270 degrees. */
    public static RgbFrame rotate(RgbFrame f, int clockwise) {
        if (clockwise == 0) {
            return f;
        }
        int w = f.width();
        int h = f.height();
        byte[] src = f.rgb();
        byte[] dst = new byte[src.length];
        int nw = clockwise == 180 ? w : h;
        int nh = clockwise == 180 ? h : w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int nx;
                int ny;
                if (clockwise == 90) {
                    nx = h - 1 - y;
                    ny = x;
                } else if (clockwise == 180) {
                    nx = w - 1 - x;
                    ny = h - 1 - y;
                } else {
                    nx = y;
                    ny = w - 1 - x;
                }
                int s = (y * w + x) * 3;
                int d = (ny * nw + nx) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbFrame(f.second(), nw, nh, dst);
    }
}
