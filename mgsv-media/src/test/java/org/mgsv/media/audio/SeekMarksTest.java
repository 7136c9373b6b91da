package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeekMarksTest {
    @TempDir
    Path dir;

    /** Window starts (seconds) spread over a recording, off the marks' grid. */
    private static final double[] STARTS = {2.6, 9.13, 17.3, 33.77, 41.0, 58.51};

    @Test
    void windowsOfARealOggRecordingAreBitForBitTheWholeDecodesAndFarCheaper() {
        Path ogg = FbankEndToEndParityTest.recording();
        DecodedAudio whole = AudioDecoder.decode(ogg);
        float[] x = whole.downmix();
        int rate = whole.sampleRate();
        SeekMarks m = SeekMarks.of(x, rate);
        assertTrue(m.size() >= x.length / rate / 2 - 3, m + " for " + x.length / rate + " s");
        for (double s : STARTS) {
            long from = Math.round(s * rate);
            int len = 3 * rate;
            float[] got = m.window(ogg, from, len);
            assertNotNull(got, "no mark confirmed the window at " + s + " s");
            assertArrayEquals(Arrays.copyOfRange(x, (int) from, (int) from + len), got, "window at " + s + " s");
        }
        // the last seconds: shorter when the stream ends, as the whole decode
        long from = x.length - rate;
        float[] tail = m.window(ogg, from, 3 * rate);
        assertNotNull(tail);
        assertArrayEquals(Arrays.copyOfRange(x, (int) from, x.length), tail);
    }

    @Test
    void reEncodedRecordingsGiveTheExactWindowOrNone() throws Exception {
        TestMedia.assumeFfmpeg();
        Path ogg = FbankEndToEndParityTest.recording();
        // MP3, Opus and FLAC decode bit for bit the same after a seek, so every window is placed; FFmpeg's AAC
        // encoder fills some bands with noise (PNS) whose generator a seek restarts, so no AAC block matches exactly
        // and the caller decodes from the start: never a misplaced window
        for (String ext : new String[] {"mp3", "opus", "flac", "m4a"}) {
            Path f = dir.resolve("excerpt." + ext);
            TestMedia.ffmpeg("-t", "64", "-i", ogg.toString(), "-b:a", "96k", f.toString());
            DecodedAudio whole = AudioDecoder.decode(f);
            float[] x = whole.downmix();
            int rate = whole.sampleRate();
            SeekMarks m = SeekMarks.of(x, rate);
            int placed = 0;
            for (double s : STARTS) {
                long from = Math.round(s * rate);
                float[] got = m.window(f, from, 2 * rate);
                if (got != null) {
                    placed++;
                    assertArrayEquals(Arrays.copyOfRange(x, (int) from, (int) from + 2 * rate), got,
                            String.format(Locale.ROOT, "%s window at %.2f s", ext, s));
                }
            }
            if (!ext.equals("m4a")) {
                assertEquals(STARTS.length, placed, ext + ": windows placed");
            }
        }
    }

    @Test
    void aChangedFileOrSilenceGivesNoWindowRatherThanAWrongOne() throws Exception {
        TestMedia.assumeFfmpeg();
        Path ogg = FbankEndToEndParityTest.recording();
        Path a = dir.resolve("a.flac");
        Path b = dir.resolve("b.flac");
        TestMedia.ffmpeg("-t", "30", "-i", ogg.toString(), a.toString());
        TestMedia.ffmpeg("-ss", "40", "-t", "30", "-i", ogg.toString(), b.toString());
        DecodedAudio da = AudioDecoder.decode(a);
        SeekMarks marksOfA = SeekMarks.of(da.downmix(), da.sampleRate());
        assertNotNull(marksOfA.window(a, 12L * da.sampleRate(), 1000));
        assertNull(marksOfA.window(b, 12L * da.sampleRate(), 1000), "marks of another recording");
        assertNull(marksOfA.window(a, 1000, 1000), "a window before the first mark");

        float[] silence = new float[20 * 16000];
        assertEquals(0, SeekMarks.of(silence, 16000).size());
        assertNull(SeekMarks.NONE.window(a, 16000 * 5, 100));
    }
}
