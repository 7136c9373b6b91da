package org.mgsv.media.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgsv.core.MgsvException;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.testutil.Ffmpeg;

class VideoDecoderTest {

    static double meanLevel(RgbFrame f) {
        long s = 0;
        for (byte b : f.rgb()) {
            s += b & 0xff;
        }
        return (double) s / f.rgb().length;
    }

    /** RGB level of frame N: luma 4·N in limited range (16..235) expands to (Y - 16) · 255/219. */
    static double level(int n) {
        return Math.max(0, Math.min(255, (4.0 * n - 16) * 255 / 219));
    }

    @Test
    void frameIIsTheFrameAtSecondI(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        // 10 fps, luma 4·N: the frame at second i is N = 10·i; neighbours differ by 4.7 levels
        Path v = Ffmpeg.frameCounterVideo(tmp.resolve("counter.mp4"), 5.5, "66x38");
        VideoDecoder.DecodedVideo d = new VideoDecoder().decode(v);
        assertEquals(5.5, d.info().durationSeconds(), 0.05);
        assertEquals(10.0, d.info().fps(), 1e-6);
        assertEquals(66, d.info().width());
        assertEquals(38, d.info().height());
        List<RgbFrame> frames = d.frames();
        assertEquals(6, frames.size(), "floor(5.5) + 1 frames");
        for (int i = 0; i < frames.size(); i++) {
            RgbFrame f = frames.get(i);
            assertEquals(i, f.second());
            assertEquals(66, f.width());
            assertEquals(38, f.height());
            // odd width: rows of the decoder's picture are padded; a stride mistake would shear the image
            assertEquals(level(10 * i), meanLevel(f), 1.0, "frame " + i);
        }
    }

    @Test
    void droppingNonReferenceFramesKeepsSampledFramesIdentical(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        for (String rate : new String[] {"30", "30000/1001", "24"}) {
            Path v = tmp.resolve("b" + rate.replace('/', '_') + ".mp4");
            // x264's default preset uses B-frames, most of them non-reference
            Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=s=192x108:r=" + rate + ":d=7.3", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", "-bf", "3", v.toString());
            for (int threads : new int[] {1, 2}) {
                List<RgbFrame> exact = new VideoDecoder(50, threads, false).decode(v).frames();
                List<RgbFrame> fast = new VideoDecoder(50, threads, true).decode(v).frames();
                assertEquals(8, exact.size());
                assertEquals(exact.size(), fast.size());
                for (int i = 0; i < exact.size(); i++) {
                    assertEquals(exact.get(i).second(), fast.get(i).second());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(exact.get(i).rgb(), fast.get(i).rgb(),
                            "rate " + rate + ", threads " + threads + ", frame " + i);
                }
            }
        }
    }

    @Test
    void lastSecondWithoutAFrameTakesTheLastFrame(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        // exactly 5.0 s at 10 fps: frames N = 0..49 at 0.0..4.9 s; slots 0..5, slot 5 = the last frame (N = 49)
        Path v = Ffmpeg.frameCounterVideo(tmp.resolve("five.mp4"), 5.0, "32x32");
        for (boolean skip : new boolean[] {false, true}) {
            List<RgbFrame> frames = new VideoDecoder(50, 1, skip).decode(v).frames();
            assertEquals(6, frames.size(), "floor(5.0) + 1 slots");
            assertEquals(level(40), meanLevel(frames.get(4)), 1.0);
            assertEquals(5, frames.get(5).second());
            assertEquals(level(49), meanLevel(frames.get(5)), 1.0, "end frame");
        }
    }

    @Test
    void longerSoundtrackIsNotTruncation(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = tmp.resolve("longaudio.mp4");
        Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=3", "-f", "lavfi", "-i", "sine=d=6",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", v.toString());
        VideoDecoder.DecodedVideo d = new VideoDecoder().decode(v);
        assertEquals(3.0, d.info().durationSeconds(), 0.05, "the picture's duration");
        assertEquals(4, d.frames().size());
    }

    /** Codecs, pixel formats and colour matrices phones and editors produce (encoder arguments after the name). */
    static Stream<Arguments> commonFormats() {
        return Stream.of(
                Arguments.of("h264_bt709.mp4", List.of("-c:v", "libx264", "-pix_fmt", "yuv420p", "-colorspace", "bt709",
                        "-color_primaries", "bt709", "-color_trc", "bt709")),
                Arguments.of("hevc.mp4", List.of("-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params",
                        "log-level=error")),
                Arguments.of("vp9.webm", List.of("-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-deadline", "realtime")),
                Arguments.of("mjpeg_fullrange.avi", List.of("-c:v", "mjpeg", "-pix_fmt", "yuvj422p")),
                Arguments.of("prores.mov", List.of("-c:v", "prores_ks", "-pix_fmt", "yuv422p10le")));
    }

    /** Each format against the ffmpeg command line; a format this ffmpeg cannot encode is reported as skipped. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commonFormats")
    void commonFormatsDecodeWithTheRightColours(String name, List<String> encoder, @TempDir Path tmp)
            throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=s=128x96:r=10:d=2.5"));
        args.addAll(encoder);
        args.add(v.toString());
        try {
            Ffmpeg.run(args.toArray(String[]::new));
        } catch (java.io.IOException e) {
            Assumptions.abort("this ffmpeg cannot make " + name + ": " + e.getMessage());
        }
        List<RgbFrame> frames = new VideoDecoder().decode(v).frames();
        assertEquals(3, frames.size(), name);
        Path png = tmp.resolve(name + ".png");
        // the frame at exactly 1 s, converted by the ffmpeg command line (full chroma, accurate rounding)
        Ffmpeg.run("-i", v.toString(), "-vf", "select='eq(n\\,10)',scale=flags=bicubic+accurate_rnd+full_chroma_int",
                "-frames:v", "1", png.toString());
        double diff = meanAbsDiff(frames.get(1), ClipPreprocessParityTest.readPng(png));
        System.out.printf(Locale.ROOT, "%s: mean |ours - ffmpeg| = %.2f levels%n", name, diff);
        assertTrue(diff < 2.0, name + ": mean abs difference " + diff);
    }

    @Test
    void commonFormatsDecodeWithTheRightColours(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        String[][] cases = {
            {"h264_bt709.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries",
                "bt709", "-color_trc", "bt709"},
            {"hevc.mp4", "-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"},
            {"vp9.webm", "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-deadline", "realtime"},
            {"mjpeg_fullrange.avi", "-c:v", "mjpeg", "-pix_fmt", "yuvj422p"},
            {"prores.mov", "-c:v", "prores_ks", "-pix_fmt", "yuv422p10le"},
        };
        for (String[] c : cases) {
            Path v = tmp.resolve(c[0]);
            String[] args = new String[c.length + 4];
            args[0] = "-f";
            args[1] = "lavfi";
            args[2] = "-i";
            args[3] = "testsrc2=s=128x96:r=10:d=2.5";
            System.arraycopy(c, 1, args, 4, c.length - 1);
            args[args.length - 1] = v.toString();
            try {
                Ffmpeg.run(args);
            } catch (java.io.IOException e) {
                System.out.println("skipped " + c[0] + ": this ffmpeg cannot make it");
                continue;
            }
            List<RgbFrame> frames = new VideoDecoder().decode(v).frames();
            assertEquals(3, frames.size(), c[0]);
            Path png = tmp.resolve(c[0] + ".png");
            // the frame at exactly 1 s, converted by the ffmpeg command line (full chroma, accurate rounding)
            Ffmpeg.run("-i", v.toString(), "-vf", "select='eq(n\\,10)',scale=flags=bicubic+accurate_rnd+full_chroma_int",
                    "-frames:v", "1", png.toString());
            double diff = meanAbsDiff(frames.get(1), ClipPreprocessParityTest.readPng(png));
            System.out.printf(Locale.ROOT, "%s: mean |ours - ffmpeg| = %.2f levels%n", c[0], diff);
            assertTrue(diff < 2.0, c[0] + ": mean abs difference " + diff);
        }
    }

    @Test
    void stopsAtMaxFrames(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = Ffmpeg.frameCounterVideo(tmp.resolve("counter.mp4"), 6, "32x32");
        List<RgbFrame> frames = new VideoDecoder(3, 1).decode(v).frames();
        assertEquals(3, frames.size());
        assertEquals(level(20), meanLevel(frames.get(2)), 1.0);
    }

    @Test
    void appliesDisplayRotationLikeTheFfmpegCommandLine(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        Path src = Ffmpeg.testVideo(tmp.resolve("src.mp4"), 1, "64x32", 10);
        Path rot = tmp.resolve("rot.mp4");
        Ffmpeg.run("-i", src.toString(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rot.toString());
        VideoDecoder.DecodedVideo d = new VideoDecoder().decode(rot);
        org.junit.jupiter.api.Assumptions.assumeTrue(d.info().rotation() != 0, "this ffmpeg wrote no rotation");
        RgbFrame ours = d.frames().get(0);
        assertEquals(32, ours.width());
        assertEquals(64, ours.height());
        // the ffmpeg command line auto-rotates by default: its first frame must look like ours
        Path png = tmp.resolve("auto.png");
        Ffmpeg.run("-i", rot.toString(), "-frames:v", "1", png.toString());
        RgbFrame theirs = ClipPreprocessParityTest.readPng(png);
        assertEquals(ours.width(), theirs.width());
        double right = meanAbsDiff(ours, theirs);
        double wrong = meanAbsDiff(VideoDecoder.rotate(ours, 180), theirs);
        assertTrue(right < 10 && right < wrong / 3,
                "mean abs difference to ffmpeg's auto-rotated frame: " + right + " (turned the other way: " + wrong + ")");
    }

    static double meanAbsDiff(RgbFrame a, RgbFrame b) {
        double diff = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            diff += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
        }
        return diff / a.rgb().length;
    }

    @Test
    void rotateTurnsClockwise() {
        // 2x1 image: red, green → rotated 90° clockwise: 1x2 with red on top
        RgbFrame f = new RgbFrame(0, 2, 1, new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0});
        RgbFrame r = VideoDecoder.rotate(f, 90);
        assertEquals(1, r.width());
        assertEquals(2, r.height());
        assertEquals((byte) 255, r.rgb()[0]);
        assertEquals((byte) 255, r.rgb()[4]);
        assertEquals(90, VideoDecoder.normaliseRotation(-90.0));
        assertEquals(270, VideoDecoder.normaliseRotation(90.0));
        assertEquals(180, VideoDecoder.normaliseRotation(180.0));
    }

    @Test
    void clearErrorsForBadFiles(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        VideoDecoder dec = new VideoDecoder();
        Path text = Files.writeString(tmp.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        MgsvException e1 = assertThrows(MgsvException.class, () -> dec.decode(text));
        assertTrue(e1.getMessage().contains("notes.mp4"), e1.getMessage());

        Path mp3 = tmp.resolve("tone.mp3");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=d=2", mp3.toString());
        MgsvException e2 = assertThrows(MgsvException.class, () -> dec.decode(mp3));
        assertTrue(e2.getMessage().contains("tone.mp3") && e2.getMessage().contains("no video"), e2.getMessage());

        Path good = Ffmpeg.testVideo(tmp.resolve("good.mp4"), 8, "160x120", 25);
        Path cut = Ffmpeg.truncated(good, tmp.resolve("cut.mp4"), 0.5);
        MgsvException e3 = assertThrows(MgsvException.class, () -> dec.decode(cut));
        assertTrue(e3.getMessage().contains("cut.mp4"), e3.getMessage());

        Path faststart = tmp.resolve("fs.mp4");
        Ffmpeg.run("-i", good.toString(), "-c", "copy", "-movflags", "+faststart", faststart.toString());
        Path cut2 = Ffmpeg.truncated(faststart, tmp.resolve("cut2.mp4"), 0.4);
        MgsvException e4 = assertThrows(MgsvException.class, () -> dec.decode(cut2));
        assertTrue(e4.getMessage().contains("cut2.mp4") && e4.getMessage().contains("truncated"), e4.getMessage());

        assertThrows(MgsvException.class, () -> dec.decode(tmp.resolve("missing.mp4")));
        System.out.println(e1.getMessage() + "\n" + e2.getMessage() + "\n" + e3.getMessage() + "\n" + e4.getMessage());
    }
}
