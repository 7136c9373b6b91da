package org.mgsv.media.render;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Stream copy: the video stream of one file and the audio stream of another into a new MP4, packets interleaved
 * by time, nothing decoded or re-encoded (so the picture keeps its quality, and its rotation metadata).
 */
final class Remux {
    private Remux() {}

    /** Thrown when the streams cannot be copied into an MP4 (the caller re-encodes instead). */
    static final class RemuxException extends Exception {
        RemuxException(String m) {
            super(m);
        }
    }

    /** @return the number of video packets (frames) copied */
    static int copy(Path videoFile, Path audioFile, Path out) throws RemuxException {
        AVFormatContext inV = null;
        AVFormatContext inA = null;
        AVFormatContext oc = null;
        AVPacket pv = av_packet_alloc();
        AVPacket pa = av_packet_alloc();
        boolean headerWritten = false;
        int frames = 0;
        try {
            inV = open(videoFile);
            inA = open(audioFile);
            int vIdx = av_find_best_stream(inV, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
            int aIdx = av_find_best_stream(inA, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
            if (vIdx < 0 || aIdx < 0) {
                throw new RemuxException("missing stream");
            }
            oc = new AVFormatContext(null);
            if (avformat_alloc_output_context2(oc, null, "mp4", out.toString()) < 0 || oc.isNull()) {
                throw new RemuxException("no mp4 muxer");
            }
            AVStream sv = inV.streams(vIdx);
            AVStream sa = inA.streams(aIdx);
            AVStream ov = avformat_new_stream(oc, null);
            AVStream oa = avformat_new_stream(oc, null);
            if (avcodec_parameters_copy(ov.codecpar(), sv.codecpar()) < 0
                    || avcodec_parameters_copy(oa.codecpar(), sa.codecpar()) < 0) {
                throw new RemuxException("cannot copy codec parameters");
            }
            ov.codecpar().codec_tag(0);
            oa.codecpar().codec_tag(0);
            ov.time_base(sv.time_base());
            oa.time_base(sa.time_base());
            AVIOContext pb = new AVIOContext(null);
            if (avio_open(pb, out.toString(), AVIO_FLAG_WRITE) < 0) {
                throw new RemuxException("cannot open output");
            }
            oc.pb(pb);
            if (avformat_write_header(oc, (AVDictionary) null) < 0) {
                throw new RemuxException("the MP4 muxer does not take codec " + sv.codecpar().codec_id());
            }
            headerWritten = true;
            AVRational otbV = ov.time_base();
            AVRational otbA = oa.time_base();
            boolean haveV = next(inV, pv, vIdx);
            boolean haveA = next(inA, pa, aIdx);
            while (haveV || haveA) {
                boolean takeV = haveV && (!haveA || seconds(pv, sv.time_base()) <= seconds(pa, sa.time_base()));
                if (takeV) {
                    write(oc, pv, sv.time_base(), otbV, 0);
                    frames++;
                    haveV = next(inV, pv, vIdx);
                } else {
                    write(oc, pa, sa.time_base(), otbA, 1);
                    haveA = next(inA, pa, aIdx);
                }
            }
            if (av_write_trailer(oc) < 0) {
                throw new RemuxException("cannot finish the MP4");
            }
        } finally {
            av_packet_free(pv);
            av_packet_free(pa);
            if (oc != null && !oc.isNull()) {
                if (oc.pb() != null && !oc.pb().isNull()) {
                    avio_closep(oc.pb());
                }
                avformat_free_context(oc);
            }
            if (inV != null) {
                avformat_close_input(inV);
            }
            if (inA != null) {
                avformat_close_input(inA);
            }
        }
        if (!headerWritten) {
            throw new RemuxException("nothing written");
        }
        return frames;
    }

    private static AVFormatContext open(Path file) throws RemuxException {
        AVFormatContext ctx = new AVFormatContext(null);
        if (avformat_open_input(ctx, file.toString(), null, null) < 0) {
            throw new RemuxException("cannot open " + file);
        }
        if (avformat_find_stream_info(ctx, (AVDictionary) null) < 0) {
            avformat_close_input(ctx);
            throw new RemuxException("no stream info in " + file);
        }
        return ctx;
    }

    /** Reads the next packet of stream {@code idx} into {@code p}; false at the end. */
    private static boolean next(AVFormatContext ctx, AVPacket p, int idx) {
        while (true) {
            av_packet_unref(p);
            if (av_read_frame(ctx, p) < 0) {
                return false;
            }
            if (p.stream_index() == idx) {
                return true;
            }
        }
    }

    private static double seconds(AVPacket p, AVRational tb) {
        long ts = p.dts() != AV_NOPTS_VALUE ? p.dts() : p.pts();
        return ts == AV_NOPTS_VALUE ? 0 : ts * (double) tb.num() / tb.den();
    }

    private static void write(AVFormatContext oc, AVPacket p, AVRational from, AVRational to, int stream)
            throws RemuxException {
        av_packet_rescale_ts(p, from, to);
        p.stream_index(stream);
        p.pos(-1);
        if (av_interleaved_write_frame(oc, p) < 0) {
            throw new RemuxException("cannot write a packet");
        }
    }
}
