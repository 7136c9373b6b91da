package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class AudioDecoderTest {
    @TempDir static Path tmp;

    @BeforeAll
    static void media() throws Exception {
        TestMedia.assumeFfmpeg();
        // 2 s stereo 16-bit wav: left 440 Hz, right 1 kHz, amplitude 0.5
        TestMedia.ffmpeg("-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t)|0.5*sin(2*PI*1000*t):s=22050:d=2",
                "-c:a", "pcm_s16le", tmp.resolve("tone.wav").toString());
        TestMedia.ffmpeg("-i", tmp.resolve("tone.wav").toString(), "-c:a", "libmp3lame", "-b:a", "128k",
                tmp.resolve("tone.mp3").toString());
        TestMedia.ffmpeg("-i", tmp.resolve("tone.wav").toString(), "-c:a", "libvorbis",
                tmp.resolve("tone.ogg").toString());
        TestMedia.ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000:duration=2", "-c:v", "mpeg4", "-c:a", "aac", "-shortest",
                tmp.resolve("clip.mp4").toString());
        TestMedia.ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2", "-c:v", "mpeg4",
                tmp.resolve("silent.mp4").toString());
        byte[] mp4 = Files.readAllBytes(tmp.resolve("clip.mp4"));
        Files.write(tmp.resolve("truncated.mp4"), java.util.Arrays.copyOf(mp4, mp4.length / 3));
        Files.writeString(tmp.resolve("notes.mp3"), "this is a text file, not audio\n");
    }

    @Test
    void wavDecodesExactly() {
        DecodedAudio a = AudioDecoder.decode(tmp.resolve("tone.wav"));
        assertEquals(22050, a.sampleRate());
        assertEquals(2, a.numChannels());
        assertEquals(44100, a.numSamples());
        for (int i = 0; i < a.numSamples(); i += 97) {
            double t = i / 22050.0;
            assertEquals(0.5 * Math.sin(2 * Math.PI * 440 * t), a.channels()[0][i], 1.0 / 32768 + 1e-6);
            assertEquals(0.5 * Math.sin(2 * Math.PI * 1000 * t), a.channels()[1][i], 1.0 / 32768 + 1e-6);
        }
    }

    @Test
    void compressedFormatsDecode() {
        for (String f : new String[] {"tone.mp3", "tone.ogg"}) {
            DecodedAudio a = AudioDecoder.decode(tmp.resolve(f));
            assertEquals(2, a.numChannels(), f);
            assertEquals(22050, a.sampleRate(), f);
            assertEquals(2.0, a.durationSeconds(), 0.06, f);
            double rms = rms(a.channels()[0], a.numSamples() / 4, a.numSamples() * 3 / 4);
            assertEquals(0.5 / Math.sqrt(2), rms, 0.02, f);
        }
        assertTrue(AudioDecoder.decode(tmp.resolve("tone.ogg")).codec().contains("vorbis"));
    }

    @Test
    void soundTrackOfAVideo() {
        DecodedAudio a = AudioDecoder.decode(tmp.resolve("clip.mp4"));
        assertEquals(48000, a.sampleRate());
        assertEquals(1, a.numChannels());
        assertEquals(2.0, a.durationSeconds(), 0.1);
    }

    @Test
    void clearErrorsNameTheFile() {
        MgsvException e = assertThrows(MgsvException.class, () -> AudioDecoder.decode(tmp.resolve("notes.mp3")));
        assertTrue(e.getMessage().contains("notes.mp3"), e.getMessage());
        e = assertThrows(MgsvException.class, () -> AudioDecoder.decode(tmp.resolve("silent.mp4")));
        assertTrue(e.getMessage().contains("no audio stream") && e.getMessage().contains("silent.mp4"), e.getMessage());
        e = assertThrows(MgsvException.class, () -> AudioDecoder.decode(tmp.resolve("truncated.mp4")));
        assertTrue(e.getMessage().contains("truncated.mp4"), e.getMessage());
        e = assertThrows(MgsvException.class, () -> AudioDecoder.decode(tmp.resolve("missing.ogg")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("missing.ogg"), e.getMessage());
    }

    @Test
    void referencePcmQuantisesVorbisOnly() {
        float[][] ch = {{0.5f, 1.2f, -1.5f, 1e-6f}};
        DecodedAudio v = new DecodedAudio(ch, 44100, "vorbis").referencePcm();
        assertEquals(0.5f, v.channels()[0][0]);
        assertEquals(32767 / 32768f, v.channels()[0][1]);
        assertEquals(-1f, v.channels()[0][2]);
        assertEquals(0f, v.channels()[0][3]);
        DecodedAudio m = new DecodedAudio(ch, 44100, "mp3float");
        assertEquals(m, m.referencePcm());
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }
}
