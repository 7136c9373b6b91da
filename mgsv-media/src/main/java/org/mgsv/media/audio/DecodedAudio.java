package org.mgsv.media.audio;

/**
 * Decoded PCM of one audio stream: {@code channels[c][i]} is sample i of channel c as float (full scale ±1, the
 * scale torchaudio's loaders use; lossy codecs may exceed it slightly), at {@code sampleRate} Hz, decoded by the
 * FFmpeg decoder named {@code codec} (e.g. {@code vorbis}, {@code mp3float}, {@code aac}).
 */
public record DecodedAudio(float[][] channels, int sampleRate, String codec, boolean cutAtLimit,
        double announcedSeconds) {
    /** Fully decoded audio (not cut at a limit; no announced duration). */
    public DecodedAudio(float[][] channels, int sampleRate, String codec) {
        this(channels, sampleRate, codec, false, 0);
    }

    /**
     * The stream's duration: the decoded length, or — when decoding stopped at a limit ({@code cutAtLimit}) —
     * the longer of that and the duration the container announces.
     */
    public double totalSeconds() {
        return cutAtLimit ? Math.max(durationSeconds(), announcedSeconds) : durationSeconds();
    }

    public int numChannels() {
        return channels.length;
    }

    public int numSamples() {
        return channels.length == 0 ? 0 : channels[0].length;
    }

    public double durationSeconds() {
        return (double) numSamples() / sampleRate;
    }

    /** The mean of all channels (a new array; the channel itself when mono). */
    public float[] downmix() {
        if (channels.length == 1) {
            return channels[0];
        }
        int n = numSamples();
        float[] out = new float[n];
        float inv = 1f / channels.length;
        if (channels.length == 2) {
            // one pass for the common case, the same sums as the general loop: (0 + left + right) · ½
            float[] l = channels[0], r = channels[1];
            for (int i = 0; i < n; i++) {
                out[i] = (0f + l[i] + r[i]) * inv;
            }
            return out;
        }
        for (float[] ch : channels) {
            for (int i = 0; i < n; i++) {
                out[i] += ch[i];
            }
        }
        for (int i = 0; i < n; i++) {
            out[i] *= inv;
        }
        return out;
    }

    /**
     * The PCM torchaudio 0.13's default loader ({@code sox_io}) would return for the same file. It reads Ogg
     * Vorbis through libsox + libvorbisfile as 16-bit integers: each sample becomes floor(32768·x + 0.5) clipped
     * to [−32768, 32767], divided by 32768. Every other codec torchaudio hands to FFmpeg or reads as integers
     * (wav, flac), so it is returned unchanged: measured against torchaudio ({@code CompressedDecodeParityTest}),
     * MP3 gives bit-identical floats, AAC and Opus the same samples to within 1e-7 (the two FFmpeg builds round the
     * last bits differently).
     */
    public DecodedAudio referencePcm() {
        if (!sixteenBitLoader()) {
            return this;
        }
        float[][] q = new float[channels.length][];
        for (int c = 0; c < channels.length; c++) {
            q[c] = quantise16(channels[c]);
        }
        return new DecodedAudio(q, sampleRate, codec + "+s16", cutAtLimit, announcedSeconds);
    }

    /** Channel c as {@link #referencePcm()} would return it (only that channel is converted). */
    public float[] referenceChannel(int c) {
        return sixteenBitLoader() ? quantise16(channels[c]) : channels[c];
    }

    private boolean sixteenBitLoader() {
        return codec != null && codec.toLowerCase(java.util.Locale.ROOT).contains("vorbis")
                && !codec.endsWith("+s16");
    }

    private static float[] quantise16(float[] src) {
        float[] dst = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            // libvorbisfile: vorbis_ftoi(x * 32768.f) = floor(x + .5), clipped to 16 bits
            float p = src[i] * 32768f;
            int v = p >= 32767f ? 32767 : p <= -32768f ? -32768 : (int) Math.floor(p + 0.5);
            dst[i] = v / 32768f;
        }
        return dst;
    }
}
