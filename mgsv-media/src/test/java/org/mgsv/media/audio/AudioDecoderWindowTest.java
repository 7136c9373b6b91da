package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

/** Decoding a window of a track: the same samples as the whole decode, placed exactly, and cancellable. */
@Tag("slow")
class AudioDecoderWindowTest {
    @TempDir static Path tmp;

    @BeforeAll
    static void media() throws Exception {
        TestMedia.assumeFfmpeg();
        // a chirp per channel: any misplacement of the window by even one sample shows
        String chirp = "aevalsrc=0.4*sin(2*PI*(200+20*t)*t)|0.4*sin(2*PI*(900-10*t)*t):s=44100:d=40";
        TestMedia.ffmpeg("-f", "lavfi", "-i", chirp, "-c:a", "flac", tmp.resolve("chirp.flac").toString());
        TestMedia.ffmpeg("-f", "lavfi", "-i", chirp, "-c:a", "libvorbis", tmp.resolve("chirp.ogg").toString());
        TestMedia.ffmpeg("-f", "lavfi", "-i", chirp, "-c:a", "libmp3lame", tmp.resolve("chirp.mp3").toString());
        TestMedia.ffmpeg("-f", "lavfi", "-i", chirp, "-c:a", "aac", tmp.resolve("chirp.m4a").toString());
    }

    @Test
    void aWindowHoldsTheSamplesOfTheWholeDecodeAtTheirPlace() {
        // the decode restarts half a second early, so even lossy decoders have settled: measured exact for all
        // four (an MP3's encoder delay and an AAC's priming are the stream's start time, not the track's)
        check("chirp.flac", 1e-6);
        check("chirp.ogg", 1e-4);
        check("chirp.mp3", 1e-4);
        check("chirp.m4a", 1e-4);
    }

    private static void check(String name, double tolerance) {
        Path f = tmp.resolve(name);
        DecodedAudio all = AudioDecoder.decode(f);
        int rate = all.sampleRate();
        double start = 27.3;
        DecodedAudio w = AudioDecoder.decode(f, start, 4.0);
        assertEquals(rate, w.sampleRate());
        assertEquals(Math.ceil(4.0 * rate), w.numSamples(), 1, name);
        int first = (int) Math.round(start * rate);
        for (int c = 0; c < all.numChannels(); c++) {
            double worst = 0;
            for (int i = 0; i < w.numSamples(); i++) {
                worst = Math.max(worst, Math.abs(w.channels()[c][i] - all.channels()[c][first + i]));
            }
            assertTrue(worst <= tolerance, name + " channel " + c + ": max |diff| " + worst);
        }
        // the tail: a window running past the end stops at the end
        DecodedAudio tail = AudioDecoder.decode(f, 38.0, 10.0);
        assertEquals(all.numSamples() - Math.round(38.0 * rate), tail.numSamples(), 0.002 * rate, name);
    }

    @Test
    void anInterruptedCallerStopsDecoding() {
        Thread.currentThread().interrupt();
        try {
            MgsvException e = assertThrows(MgsvException.class,
                    () -> AudioDecoder.decode(tmp.resolve("chirp.flac"), 5.0, 10.0));
            assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }
}
