package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;

/**
 * A one-hour track costs what its windows need, not what its length would: indexing (features, beats) and a
 * preview near its end allocate what a 5-minute track costs, measured as the bytes the calling thread allocates
 * (where all decoding happens). Before, each decoded the whole hour (230 MB of samples at 16 kHz mono, 1.3 GB
 * for stereo 44.1 kHz, and the beat tracker's fbank on top: a 3 h track ran out of memory).
 */
@Tag("slow")
class LongTrackMemoryTest {
    @TempDir static Path tmp;
    static Path hour;

    static Path fiveMinutes;

    @BeforeAll
    static void media() throws Exception {
        hour = tone(3600);
        fiveMinutes = tone(300);
    }

    private static Path tone(int seconds) throws Exception {
        Path out = tmp.resolve(seconds + "s.flac");
        Process p;
        try {
            p = new ProcessBuilder("ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:beep_factor=4:sample_rate=16000:duration=" + seconds, "-c:a", "flac",
                    out.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("ffmpeg binary not available");
            return null;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        return out;
    }

    private static <T> long allocated(Supplier<T> work, T[] result) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        result[0] = work.get();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void indexingAndPreviewingAnHourLongTrackAllocateWhatTheirWindowsNeed() {
        DefaultMediaPipeline media = new DefaultMediaPipeline(new BuiltinFrameEncoder(), new BuiltinSegmentEncoder(),
                50, 1);
        long mb = 1 << 20;

        MediaPipeline.ExtractedMusic[] f = new MediaPipeline.ExtractedMusic[1];
        long musicShort = allocated(() -> media.music(fiveMinutes), f);
        long music = allocated(() -> media.music(hour), f);
        assertEquals(3600, f[0].durationSeconds(), 1, "the duration comes from the container");
        assertEquals(96, f[0].mask().length);
        assertTrue(music < musicShort + 32 * mb, "features of a 1 h track allocated " + music / mb + " MB, of a "
                + "5 min track " + musicShort / mb + " MB");

        double[][][] b = new double[1][][];
        long beatsShort = allocated(() -> media.beats(fiveMinutes), b);
        long beats = allocated(() -> media.beats(hour), b);
        assertTrue(b[0][0].length > 100, "beats over the grounded span");
        assertTrue(beats < beatsShort + 32 * mb, "beats of a 1 h track allocated " + beats / mb + " MB, of a "
                + "5 min track " + beatsShort / mb + " MB");

        float[][] w = new float[1][];
        long preview = allocated(() -> media.audio(hour, 22050, 3590, 3600), w);
        assertEquals(10 * 22050, w[0].length, 2);
        // 10 s at 16 kHz decoded and resampled to 22.05 kHz: about 2 MB; the whole hour was 230 MB and more
        assertTrue(preview < 16 * mb, "a 10 s preview at 59:50 allocated " + preview / mb + " MB");
        System.out.printf(java.util.Locale.ROOT, "1 h track, calling thread's allocation: features %d MB (5 min track %d MB), beats %d MB"
                + " (%d MB), 10 s preview at 59:50 %.1f MB%n", music / mb, musicShort / mb, beats / mb, beatsShort / mb,
                preview / (double) mb);
        double rms = 0;
        for (float x : w[0]) {
            rms += x * x;
        }
        assertTrue(Math.sqrt(rms / w[0].length) > 0.01, "the preview holds the tone, not silence");
    }
}
