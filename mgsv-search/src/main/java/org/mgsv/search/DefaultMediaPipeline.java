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
    public VideoFeatures video(Path file) {
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
        return new VideoFeatures(feats, mask, duration);
    }

    @Override
    public MusicFeatures music(Path file) {
        DecodedAudio decoded = AudioDecoder.decode(file).referencePcm();
        FbankWindows w = frontEnd.compute(frontEnd.waveform16k(decoded));
        float[][] enc = segmentEncoder.encode(w);
        float[] mask = w.mask().clone();
        for (int s = 0; s < enc.length; s++) {
            if (mask[s] == 0) {
                enc[s] = new float[segmentEncoder.dim()];
            }
        }
        return new MusicFeatures(enc, mask, decoded.durationSeconds());
    }

    @Override
    public float[] audio(Path file, int sampleRate, double start, double end) {
        DecodedAudio d = AudioDecoder.decode(file);
        float[] mono = d.downmix();
        int sr = d.sampleRate();
        int from = (int) Math.max(0, Math.min(mono.length, Math.floor(start * sr)));
        int to = (int) Math.max(from, Math.min(mono.length, Math.ceil(end * sr)));
        float[] cut = java.util.Arrays.copyOfRange(mono, from, to);
        return sr == sampleRate ? cut : Resampler.resample(cut, sr, sampleRate);
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
