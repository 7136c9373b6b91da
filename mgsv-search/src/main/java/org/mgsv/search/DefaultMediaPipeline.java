package org.mgsv.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.audio.Resampler;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.video.VideoDecoder;

/**
 * In-process media pipeline on mgsv-media: {@link VideoDecoder} (1 fps, up to 50 frames) → {@link FrameEncoder};
 * {@link AstFrontEnd} (96 fbank windows) → {@link SegmentEncoder}; {@link AudioDecoder} + {@link Resampler} for
 * preview audio. Feature rows past the content are zero with mask 0, as the model expects.
 */
public final class DefaultMediaPipeline implements MediaPipeline {
    private final FrameEncoder frameEncoder;
    private final SegmentEncoder segmentEncoder;
    private final int frameSlots;
    private final AstFrontEnd frontEnd;
    private final Function<Path, double[][]> beatTracker;

    /** With the built-in beat tracker of mgsv-media. */
    public DefaultMediaPipeline(FrameEncoder frameEncoder, SegmentEncoder segmentEncoder, int frameSlots, int threads) {
        this(frameEncoder, segmentEncoder, frameSlots, threads, file -> {
            org.mgsv.media.audio.BeatTracker.Beats b = org.mgsv.media.audio.BeatTracker.track(file);
            return new double[][] {b.beats(), b.downbeats()};
        });
    }

    public DefaultMediaPipeline(FrameEncoder frameEncoder, SegmentEncoder segmentEncoder, int frameSlots, int threads,
            Function<Path, double[][]> beatTracker) {
        this.frameEncoder = frameEncoder;
        this.segmentEncoder = segmentEncoder;
        this.frameSlots = frameSlots;
        this.frontEnd = new AstFrontEnd(AstFrontEnd.Channels.FIRST, Math.max(1, threads));
        this.beatTracker = beatTracker;
    }

    @Override
    public ExtractedVideo video(Path file) {
        List<RgbFrame> frames = new ArrayList<>();
        VideoDecoder.VideoInfo info = new VideoDecoder(frameSlots, 0).decode(file, f -> frames.add(frameEncoder.prepare(f)));
        if (frames.isEmpty()) {
            throw new org.mgsv.core.MgsvException(file + ": no video frames decoded");
        }
        float[][] enc = frameEncoder.encode(frames);
        int dim = frameEncoder.dim();
        float[][] feats = new float[frameSlots][dim];
        float[] mask = new float[frameSlots];
        for (int i = 0; i < Math.min(frameSlots, enc.length); i++) {
            feats[i] = enc[i];
            mask[i] = 1;
        }
        double duration = info.durationSeconds() > 0 ? info.durationSeconds() : frames.size();
        return new ExtractedVideo(feats, mask, duration);
    }

    @Override
    public ExtractedMusic music(Path file) {
        // only what the 96 windows see is decoded (the duration of a longer track comes from its container):
        // memory is bounded by the windows, not by the track's length
        FbankWindows w = frontEnd.compute(file);
        float[][] enc = segmentEncoder.encode(w);
        float[] mask = w.mask().clone();
        for (int s = 0; s < enc.length; s++) {
            if (mask[s] == 0) {
                enc[s] = new float[segmentEncoder.dim()];
            }
        }
        return new ExtractedMusic(enc, mask, w.durationSeconds());
    }

    @Override
    public float[] audio(Path file, int sampleRate, double start, double end) {
        // the window alone (plus a margin for the resampler's filter) is decoded: memory and time follow the
        // window, not the track's length
        double margin = 0.1;
        double from = Math.max(0, start - margin);
        DecodedAudio d = AudioDecoder.decode(file, from, end + margin - from);
        float[] mono = d.downmix();
        int sr = d.sampleRate();
        float[] at = sr == sampleRate ? mono : Resampler.resample(mono, sr, sampleRate);
        int a = (int) Math.max(0, Math.min(at.length, Math.round((start - from) * sampleRate)));
        int b = (int) Math.max(a, Math.min(at.length, a + Math.round((end - start) * sampleRate)));
        return java.util.Arrays.copyOfRange(at, a, b);
    }

    @Override
    public double[][] beats(Path file) {
        return beatTracker == null ? null : beatTracker.apply(file);
    }

    @Override
    public String name() {
        return frameEncoder.name() + "/" + segmentEncoder.name();
    }
}
