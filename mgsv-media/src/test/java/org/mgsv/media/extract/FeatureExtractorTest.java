package org.mgsv.media.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxFrameEncoder;
import org.mgsv.media.testutil.Ffmpeg;
import org.mgsv.media.video.VideoDecoder;

class FeatureExtractorTest {
    @TempDir Path tmp;

    @Test
    void indexCsvRoundTripsFieldsWithCommasQuotesAndLineBreaks() throws Exception {
        Path csv = tmp.resolve("videos.csv");
        String odd = "dir, with \"quotes\"\r\nand\rbreaks\n/x.mp4";
        Files.writeString(csv, FeatureExtractor.VIDEO_HEADER + "\n"
                + org.mgsv.core.data.CsvLine.join("x", odd, "1.000", "1", "1.000", "2", "2", "builtin") + "\n");
        Map<String, String[]> rows = FeatureExtractor.readCsv(csv, FeatureExtractor.VIDEO_HEADER);
        assertEquals(odd, rows.get("x")[1]);
        Path bad = Files.writeString(tmp.resolve("bad.csv"), FeatureExtractor.VIDEO_HEADER + "\nx,y\n");
        MgsvException e = assertThrows(MgsvException.class, () -> FeatureExtractor.readCsv(bad, FeatureExtractor.VIDEO_HEADER));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void parallelJobsGiveTheSameFeaturesAsOne() throws Exception {
        Ffmpeg.assumeAvailable();
        List<Path> videos = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            videos.add(Ffmpeg.testVideo(tmp.resolve("v" + i + ".mp4"), 1.5 + i, "64x48", 10));
        }
        Path bad = Files.writeString(tmp.resolve("bad.mp4"), "not a video");
        List<Path> withBad = new ArrayList<>(videos);
        withBad.add(2, bad);
        FeatureExtractor one = new FeatureExtractor(tmp.resolve("one"), new BuiltinFrameEncoder(), null,
                new AstFrontEnd(), new VideoDecoder(50, 1));
        FeatureExtractor.Report r1 = one.run(withBad, List.of(), 1, () -> { }, f -> { });
        FeatureExtractor four = new FeatureExtractor(tmp.resolve("four"), new BuiltinFrameEncoder(), null,
                new AstFrontEnd(), new VideoDecoder(50, 1));
        java.util.concurrent.atomic.AtomicInteger steps = new java.util.concurrent.atomic.AtomicInteger();
        FeatureExtractor.Report r4 = four.run(withBad, List.of(), 4, steps::incrementAndGet, f -> { });
        assertEquals(4, r1.videosExtracted());
        assertEquals(4, r4.videosExtracted());
        assertEquals(5, steps.get());
        assertEquals(List.of(bad), r4.failures().stream().map(FeatureExtractor.Failure::file).toList());
        for (int i = 0; i < 4; i++) {
            assertEquals(-1L, Files.mismatch(one.videoFeature("v" + i), four.videoFeature("v" + i)), "v" + i);
        }
        assertEquals(Files.readString(tmp.resolve("one/videos.csv")), Files.readString(tmp.resolve("four/videos.csv"))
                .replace(tmp.resolve("four").toString(), tmp.resolve("one").toString()));
    }

    @Test
    void skipsDoneFilesRedoesThoseOfAnotherEncoderAndRejectsDuplicateIds() throws Exception {
        Ffmpeg.assumeAvailable();
        Path a = Ffmpeg.testVideo(Files.createDirectories(tmp.resolve("x")).resolve("same, name.mp4"), 1.5, "64x48", 10);
        Path b = Ffmpeg.testVideo(Files.createDirectories(tmp.resolve("y")).resolve("same, name.mov"), 1.5, "64x48", 10);
        Path out = tmp.resolve("ds");
        List<FeatureExtractor.Failure> failures = new ArrayList<>();
        FeatureExtractor ex = new FeatureExtractor(out, new BuiltinFrameEncoder(), null, new AstFrontEnd(),
                new VideoDecoder());
        FeatureExtractor.Report r = ex.run(List.of(a, b), List.of(), () -> { }, failures::add);
        assertEquals(1, r.videosExtracted());
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).reason().contains("unique"), failures.get(0).reason());

        // same encoder: skipped
        FeatureExtractor again = new FeatureExtractor(out, new BuiltinFrameEncoder(), null, new AstFrontEnd(),
                new VideoDecoder());
        assertEquals(1, again.run(List.of(a), List.of(), () -> { }, f -> { }).skipped());

        // another encoder: extracted again, index updated
        Path model = tmp.resolve("tiny_clip.onnx");
        try (var in = getClass().getResourceAsStream("/onnx/tiny_clip.onnx")) {
            Files.copy(in, model);
        }
        try (OnnxFrameEncoder onnx = new OnnxFrameEncoder(model)) {
            FeatureExtractor other = new FeatureExtractor(out, onnx, null, new AstFrontEnd(), new VideoDecoder());
            FeatureExtractor.Report r2 = other.run(List.of(a), List.of(), () -> { }, f -> { });
            assertEquals(1, r2.videosExtracted());
            assertEquals(0, r2.skipped());
        }
        Map<String, String[]> rows = FeatureExtractor.readCsv(out.resolve("videos.csv"), FeatureExtractor.VIDEO_HEADER);
        assertEquals("onnx:tiny_clip.onnx", rows.get("same, name")[7]);
        assertEquals(a.toString(), rows.get("same, name")[1]);

        // features without an index row (a run killed before the index was written) are redone
        Files.delete(out.resolve("videos.csv"));
        FeatureExtractor fresh = new FeatureExtractor(out, new BuiltinFrameEncoder(), null, new AstFrontEnd(),
                new VideoDecoder());
        assertEquals(1, fresh.run(List.of(a), List.of(), () -> { }, f -> { }).videosExtracted());
    }

    @Test
    void aFeatureFileCutShortAfterExtractionIsRedoneOnRerun() throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = Ffmpeg.testVideo(Files.createDirectories(tmp.resolve("cut")).resolve("clip.mp4"), 1.5, "64x48", 10);
        Path out = tmp.resolve("cut-ds");
        FeatureExtractor ex = new FeatureExtractor(out, new BuiltinFrameEncoder(), null, new AstFrontEnd(),
                new VideoDecoder());
        assertEquals(1, ex.run(List.of(v), List.of(), () -> { }, f -> { }).videosExtracted());
        Path feat = ex.videoFeature("clip");
        byte[] whole = Files.readAllBytes(feat);
        Files.write(feat, java.util.Arrays.copyOf(whole, whole.length - 100));

        FeatureExtractor again = new FeatureExtractor(out, new BuiltinFrameEncoder(), null, new AstFrontEnd(),
                new VideoDecoder());
        assertTrue(!again.isDone(FeatureExtractor.Kind.VIDEO, "clip"), "a truncated feature file is not done");
        assertEquals(1, again.run(List.of(v), List.of(), () -> { }, f -> { }).videosExtracted());
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole, Files.readAllBytes(feat), "rewritten whole");
        assertTrue(again.isDone(FeatureExtractor.Kind.VIDEO, "clip"));
    }
}
