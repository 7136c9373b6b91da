package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;
import org.mgsv.media.testutil.Ffmpeg;

class ExtractCommandTest {
    @TempDir Path tmp;

    /** The acceptance test of issue 6: good media extracted, the two bad files reported, exit code non-zero. */
    @Test
    void extractsGoodFilesReportsBadOnesAndExitsNonZero() throws Exception {
        Ffmpeg.assumeAvailable();
        Path media = Files.createDirectories(tmp.resolve("media"));
        Path good = Ffmpeg.testVideo(media.resolve("good.mp4"), 3.5, "160x120", 25);
        Path longer = Ffmpeg.testVideo(tmp.resolve("long.mp4"), 8, "160x120", 25);
        Ffmpeg.truncated(longer, media.resolve("cut.mp4"), 0.5);
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:d=12", media.resolve("song.mp3").toString());
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=523:sample_rate=22050:d=7", "-c:a", "libvorbis",
                media.resolve("tune.ogg").toString());
        Files.writeString(media.resolve("fake.mp3"), "this is a text file, not an mp3\n".repeat(20));
        Files.writeString(media.resolve("README.txt"), "ignored: not a media extension\n");
        Path out = tmp.resolve("dataset");

        CliRun r = CliRun.run("extract", "--videos", media.toString(), "--music", media.toString(), "--out",
                out.toString(), "--threads", "1");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("cut.mp4") && r.out().contains("fake.mp3"), r.out());
        assertTrue(r.out().contains("2 file(s) failed"), r.out());
        assertFalse(r.out().contains("good.mp4") || r.out().contains("song.mp3 (") || r.out().contains("tune.ogg ("),
                r.out());

        Tensor feat = TorchSave.read(out.resolve("vit_feature1/vit_feature/good.pt"), 50, 512);
        Tensor mask = TorchSave.read(out.resolve("vit_feature1/vit_mask/good.pt"), 50);
        float[] m = mask.toArray();
        assertArrayEquals(new float[] {1, 1, 1, 1, 0}, java.util.Arrays.copyOf(m, 5), "3.5 s → frames 0..3");
        for (int i = 4 * 512; i < 50 * 512; i++) {
            assertEquals(0f, feat.getFlat(i), "padded rows are zero");
        }
        Tensor songMask = TorchSave.read(out.resolve("ast_feature2p5/ast_mask/song.pt"), 96);
        assertEquals(5, (int) sum(songMask.toArray()), "12 s → centres 0, 2.5, 5, 7.5, 10");
        TorchSave.read(out.resolve("ast_feature2p5/ast_feature/song.pt"), 96, 768);
        TorchSave.read(out.resolve("ast_feature2p5/ast_feature/tune.pt"), 96, 768);
        assertFalse(Files.exists(out.resolve("vit_feature1/vit_feature/cut.pt")));
        assertFalse(Files.exists(out.resolve("ast_feature2p5/ast_feature/fake.pt")));

        // the dataset reads back through the feature store the model's data loading uses
        try (var store = new org.mgsv.core.features.DirectoryFeatureStore(out)) {
            assertEquals(java.util.Set.of("good"), store.videoIds());
            assertEquals(java.util.Set.of("song", "tune"), store.musicIds());
            assertEquals(4.0, sum(store.video("good").mask().toArray()));
            assertEquals(5.0, sum(store.music("song").mask().toArray()));
        }

        List<String> videosCsv = Files.readAllLines(out.resolve("videos.csv"));
        assertEquals("video_id,file,duration,frames,fps,width,height,encoder", videosCsv.get(0));
        assertEquals(2, videosCsv.size());
        assertTrue(videosCsv.get(1).startsWith("good,") && videosCsv.get(1).contains(",3.5"), videosCsv.get(1));
        List<String> musicCsv = Files.readAllLines(out.resolve("music.csv"));
        assertEquals(3, musicCsv.size());

        // a second run skips what is done and still reports the bad files
        long stamp = Files.getLastModifiedTime(out.resolve("vit_feature1/vit_feature/good.pt")).toMillis();
        CliRun again = CliRun.run("extract", "--videos", media.toString(), "--music", media.toString(), "--out",
                out.toString(), "--threads", "2", "--jobs", "2");
        assertEquals(2, again.code(), again.out());
        assertTrue(again.out().contains("3 already done"), again.out());
        assertEquals(stamp, Files.getLastModifiedTime(out.resolve("vit_feature1/vit_feature/good.pt")).toMillis());
    }

    @Test
    void cleanRunExitsZeroAndOnnxNeedsModels() throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = Ffmpeg.testVideo(tmp.resolve("clip one.mp4"), 2, "64x48", 10);
        CliRun ok = CliRun.run("extract", "--videos", v.toString(), "--out", tmp.resolve("ds").toString(), "--threads",
                "1");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(Files.isRegularFile(tmp.resolve("ds/vit_feature1/vit_feature/clip one.pt")));

        CliRun noModel = CliRun.run("extract", "--videos", v.toString(), "--encoder", "onnx", "--out",
                tmp.resolve("ds2").toString());
        assertEquals(1, noModel.code());
        assertTrue(noModel.err().contains("--clip"), noModel.err());

        CliRun nothing = CliRun.run("extract", "--out", tmp.resolve("ds3").toString());
        assertEquals(1, nothing.code());
    }

    /** A test resource of mgsv-media (inside its test-jar or test-classes) copied to a file. */
    Path resource(String name) throws Exception {
        Path f = tmp.resolve(name.replace('/', '_'));
        try (var in = getClass().getResourceAsStream("/" + name)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "mgsv-media test resource " + name + " not found");
            Files.copy(in, f);
        }
        return f;
    }

    @Test
    void onnxEncodersThroughTheCommandLine() throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = Ffmpeg.testVideo(tmp.resolve("v1.mp4"), 2.2, "96x64", 10);
        Path m = tmp.resolve("m1.mp3");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=440:d=6", m.toString());
        Path out = tmp.resolve("ds");
        CliRun r = CliRun.run("extract", "--videos", v.toString(), "--music", m.toString(), "--encoder", "onnx",
                "--clip", resource("onnx/tiny_clip.onnx").toString(), "--ast",
                resource("onnx/tiny_ast.onnx").toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        Tensor feat = TorchSave.read(out.resolve("vit_feature1/vit_feature/v1.pt"), 50, 512);
        assertTrue(feat.getFlat(0) != 0f || feat.getFlat(1) != 0f);
        assertEquals(3, (int) sum(TorchSave.read(out.resolve("vit_feature1/vit_mask/v1.pt"), 50).toArray()));
        assertEquals(3, (int) sum(TorchSave.read(out.resolve("ast_feature2p5/ast_mask/m1.pt"), 96).toArray()));
        assertTrue(Files.readString(out.resolve("videos.csv")).contains("onnx:"));
        assertTrue(r.out().contains("encoders: fp32"), r.out());
        Path clipModel = tmp.resolve("onnx_tiny_clip.onnx");

        // reduced precision: int8 encoders, recorded as such, so the files are extracted again
        CliRun q = CliRun.run("extract", "--videos", v.toString(), "--encoder", "onnx",
                "--clip", clipModel.toString(), "--out", out.toString(), "--threads", "1", "--precision", "bf16");
        assertEquals(0, q.code(), q.out() + q.err());
        assertTrue(q.out().contains("encoders: int8"), q.out());
        assertTrue(Files.readString(out.resolve("videos.csv")).contains("@int8"));
        Tensor int8 = TorchSave.read(out.resolve("vit_feature1/vit_feature/v1.pt"), 50, 512);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < 512; i++) {
            dot += feat.getFlat(i) * int8.getFlat(i);
            na += feat.getFlat(i) * feat.getFlat(i);
            nb += int8.getFlat(i) * int8.getFlat(i);
        }
        assertTrue(dot / Math.sqrt(na * nb) > 0.999, "cosine " + dot / Math.sqrt(na * nb));

        CliRun bad = CliRun.run("extract", "--videos", v.toString(), "--out", out.toString(), "--precision", "half");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--precision"), bad.err());
        CliRun spark = CliRun.run("extract", "--videos", v.toString(), "--out", out.toString(), "--precision", "bf16",
                "--engine", "spark");
        assertEquals(1, spark.code());
        assertTrue(spark.err().contains("--engine spark"), spark.err());
    }

    static double sum(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }
}
