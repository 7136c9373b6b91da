package org.mgsv.media.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.media.testutil.Ffmpeg;

class SoundtrackRendererTest {
    @TempDir Path tmp;

    static float[][] sine(double freq, double amp, double seconds, int rate) {
        int n = (int) (seconds * rate);
        float[][] x = new float[2][n];
        for (int i = 0; i < n; i++) {
            float v = (float) (amp * Math.sin(2 * Math.PI * freq * i / rate));
            x[0][i] = v;
            x[1][i] = v;
        }
        return x;
    }

    @Test
    void loudnessOfSinesFollowsBs1770() {
        // a 1 kHz sine of amplitude A on both channels measures 20·log10(A) LUFS
        assertEquals(-20.0, Loudness.integrated(sine(997, 0.1, 5, 48000), 48000), 0.05);
        assertEquals(-20.0, Loudness.integrated(sine(997, 0.1, 5, 44100), 44100), 0.05);
        float[][] left = sine(997, 1.0, 5, 48000);
        left[1] = new float[left[1].length];
        assertEquals(-3.01, Loudness.integrated(left, 48000), 0.05, "full-scale sine in one channel: −3.01 LUFS");
        // relative gate: a quiet tail 30 dB down does not pull the result down
        float[][] loud = sine(997, 0.1, 5, 48000);
        float[][] both = new float[2][];
        for (int c = 0; c < 2; c++) {
            both[c] = java.util.Arrays.copyOf(loud[c], loud[c].length * 2);
            for (int i = loud[c].length; i < both[c].length; i++) {
                both[c][i] = loud[c][i - loud[c].length] * 0.03f;
            }
        }
        // (blocks straddling the step count, so slightly below -20; without the gate it would be about -23)
        assertEquals(-20.0, Loudness.integrated(both, 48000), 0.2);
        assertEquals(Loudness.SILENCE, Loudness.integrated(new float[2][48000], 48000));
    }

    static double ffmpegLufs(Path file) throws Exception {
        String log = Ffmpeg.runCapture("-nostats", "-i", file.toString(), "-map", "0:a", "-af", "ebur128", "-f", "null", "-");
        Matcher m = Pattern.compile("I:\\s+(-?[0-9.]+) LUFS").matcher(log);
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }

    @Test
    void rendersVideoWithMusicMomentAtTargetLoudness() throws Exception {
        Ffmpeg.assumeAvailable();
        Path video = Ffmpeg.testVideo(tmp.resolve("clip.mp4"), 4, "320x240", 25);
        Path music = tmp.resolve("song.mp3");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:d=20", "-f", "lavfi", "-i",
                "anoisesrc=d=20:a=0.02:sample_rate=44100", "-filter_complex", "[0][1]amix=inputs=2", music.toString());
        Path out = tmp.resolve("out/rendered.mp4");
        SoundtrackRenderer.Options noFades = new SoundtrackRenderer.Options(0, 0, -14,
                SoundtrackRenderer.OriginalAudio.DROP, -18, 192_000, false);
        SoundtrackRenderer.Result r = SoundtrackRenderer.render(video, music, 5.0, 12.0, out, noFades);
        assertTrue(Files.isRegularFile(out));
        assertEquals(100, r.videoFrames());
        String streams = Ffmpeg.probe("-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", out.toString());
        assertTrue(streams.contains("video") && streams.contains("audio"), streams);
        double duration = Double.parseDouble(Ffmpeg.probe("-show_entries", "format=duration", "-of", "csv=p=0",
                out.toString()).trim());
        assertEquals(4.0, duration, 0.05, "output lasts as long as the video");
        double lufs = ffmpegLufs(out);
        System.out.println(r.summary() + "; ffmpeg ebur128 of the output: " + lufs + " LUFS");
        assertEquals(-14.0, lufs, 1.0);
        try (var s = Files.list(out.getParent())) {
            assertEquals(1, s.count(), "no temporary file left beside the output");
        }
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept(@TempDir Path dir) throws Exception {
        Ffmpeg.assumeAvailable();
        Path video = Ffmpeg.testVideo(dir.resolve("clip.mp4"), 2, "96x64", 25);
        Path music = dir.resolve("song.ogg");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:d=6", music.toString());
        byte[] before = Files.readAllBytes(video);
        for (Path out : new Path[] {video, dir.resolve(".").resolve("clip.mp4"), music}) {
            org.mgsv.core.MgsvException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.mgsv.core.MgsvException.class,
                    () -> SoundtrackRenderer.render(video, music, 1.0, 3.0, out,
                            SoundtrackRenderer.Options.defaults()));
            assertTrue(e.getMessage().contains("would be overwritten"), e.getMessage());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(video), "the input is intact");
    }

    @Test
    void duckedOriginalAndFadesStillGiveBothStreams() throws Exception {
        Ffmpeg.assumeAvailable();
        Path video = Ffmpeg.testVideo(tmp.resolve("clip.mp4"), 3, "160x120", 30);
        Path music = tmp.resolve("short.ogg");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=500:d=2", "-c:a", "libvorbis", music.toString());
        Path out = tmp.resolve("ducked.mp4");
        // a moment shorter than the video: the rest is silence (plus the ducked original)
        SoundtrackRenderer.render(video, music, 0.5, 2.0, out,
                SoundtrackRenderer.Options.defaults().withOriginal(SoundtrackRenderer.OriginalAudio.DUCK));
        String streams = Ffmpeg.probe("-show_entries", "stream=codec_type", "-of", "csv=p=0", out.toString());
        assertTrue(streams.contains("video") && streams.contains("audio"), streams);
        double duration = Double.parseDouble(Ffmpeg.probe("-show_entries", "format=duration", "-of", "csv=p=0",
                out.toString()).trim());
        assertEquals(3.0, duration, 0.05);
    }

    @Test
    void copiesTheVideoStreamByDefaultKeepingRotation(@TempDir Path tmp2) throws Exception {
        Ffmpeg.assumeAvailable();
        Path src = Ffmpeg.testVideo(tmp2.resolve("src.mp4"), 3, "96x64", 25);
        Path rot = tmp2.resolve("rot.mp4");
        Ffmpeg.run("-i", src.toString(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rot.toString());
        Path music = tmp2.resolve("m.mp3");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=300:d=10", music.toString());
        Path out = tmp2.resolve("copied.mp4");
        SoundtrackRenderer.Result r = SoundtrackRenderer.render(rot, music, 1, 9, out,
                SoundtrackRenderer.Options.defaults());
        assertEquals("copy", r.videoCodec());
        assertEquals(75, r.videoFrames());
        String streams = Ffmpeg.probe("-show_entries", "stream=codec_type,codec_name,width,height", "-of", "csv=p=0",
                out.toString());
        assertTrue(streams.contains("h264,video,96,64") && streams.contains("aac,audio"), streams);
        double duration = Double.parseDouble(Ffmpeg.probe("-show_entries", "format=duration", "-of", "csv=p=0",
                out.toString()).trim());
        assertEquals(3.0, duration, 0.05);
        // the display rotation travels with the copied stream: the ffmpeg command line shows it upright
        Path png = tmp2.resolve("f.png");
        Ffmpeg.run("-i", out.toString(), "-frames:v", "1", png.toString());
        org.mgsv.media.encode.RgbFrame f = org.mgsv.media.testutil.TestImages.readPng(png);
        assertEquals(64, f.width());
        assertEquals(96, f.height());
        // and the same clip with copying off is re-encoded upright
        SoundtrackRenderer.Result re = SoundtrackRenderer.render(rot, music, 1, 9, tmp2.resolve("re.mp4"),
                SoundtrackRenderer.Options.defaults().withCopyVideo(false));
        assertFalse(re.videoCodec().equals("copy"));
        String reStreams = Ffmpeg.probe("-show_entries", "stream=codec_type,width,height", "-of", "csv=p=0",
                tmp2.resolve("re.mp4").toString());
        assertTrue(reStreams.contains("video,64,96"), reStreams);
    }

    @Test
    void badArgumentsAreClearErrors() throws Exception {
        Ffmpeg.assumeAvailable();
        Path video = Ffmpeg.testVideo(tmp.resolve("clip.mp4"), 1, "64x48", 10);
        Path text = Files.writeString(tmp.resolve("notes.mp3"), "not audio");
        Path out = tmp.resolve("x.mp4");
        MgsvException e1 = assertThrows(MgsvException.class, () -> SoundtrackRenderer.render(video, text, 0, 5, out,
                SoundtrackRenderer.Options.defaults()));
        assertTrue(e1.getMessage().contains("notes.mp3"), e1.getMessage());
        assertThrows(MgsvException.class,
                () -> SoundtrackRenderer.render(video, text, 5, 2, out, SoundtrackRenderer.Options.defaults()));
        assertFalse(Files.exists(out));
    }
}
