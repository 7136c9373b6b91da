package org.mgsv.media.audio;

/**
 * Decoded PCM of one audio stream: {@code channels[c][i]} is sample i of channel c as float in [-1, 1] (the
 * scale torchaudio's loaders use), at {@code sampleRate} Hz.
 */
public record DecodedAudio(float[][] channels, int sampleRate) {
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
}
