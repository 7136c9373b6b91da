package org.mgsv.app.server;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 16-bit PCM mono WAV encoding. */
public final class Wav {
    private Wav() {}

    public static byte[] encode(float[] pcm, int sampleRate) {
        int dataBytes = pcm.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (float v : pcm) {
            float c = Math.max(-1f, Math.min(1f, v));
            b.putShort((short) Math.round(c * 32767f));
        }
        return b.array();
    }
}
