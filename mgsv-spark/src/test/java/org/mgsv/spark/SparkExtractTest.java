package org.mgsv.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.extract.FeatureExtractor;
import org.mgsv.media.testutil.Ffmpeg;
import org.mgsv.media.video.VideoDecoder;

/** The Spark extract job against the single-process extractor, with retried and interrupted runs. */
class SparkExtractTest {
    @TempDir static Path tmp;
    static Path videos;
    static Path music;
    static Path reference;
    static int inputs;

    @BeforeAll
    static void media() throws Exception {
        Ffmpeg.assumeAvailable();
        videos = Files.createDirectories(tmp.resolve("videos"));
        music = Files.createDirectories(tmp.resolve("music"));
        for (int i = 0; i < 14; i++) {
            Ffmpeg.testVideo(videos.resolve(String.format(Locale.ROOT, "v%02d.mp4", i)), 1.2 + 0.3 * i, "64x48", 10);
        }
        for (int i = 0; i < 5; i++) {
            Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=" + (220 + 110 * i) + ":sample_rate=16000:d=" + (3 + i),
                    music.resolve("m" + i + ".wav").toString());
        }
        Files.write(videos.resolve("broken.mp4"), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 1, 2, 3});
        inputs = 20;
        reference = tmp.resolve("reference");
        // the single-process extraction, as `mgsv extract --videos … --music …` runs it
        try (var fe = new BuiltinFrameEncoder(); var se = new BuiltinSegmentEncoder()) {
            FeatureExtractor ex = new FeatureExtractor(reference, fe, se, new AstFrontEnd(AstFrontEnd.Channels.FIRST, 1),
                    new VideoDecoder(VideoDecoder.MAX_FRAMES, 1));
            FeatureExtractor.Report r = ex.run(MediaFiles.list(videos, MediaFiles.VIDEO_EXTENSIONS).files(),
                    MediaFiles.list(music, MediaFiles.AUDIO_EXTENSIONS).files(), () -> {}, f -> {});
            assertEquals(1, r.failures().size());
        }
        SharedSpark.get();
    }

    @AfterEach
    void noHook() {
        BatchRunner.faultHook(null);
    }

    static int spark(Path out) {
        return new SparkEngine().extract(null, new DistributedEngine.ExtractJob(List.of(videos.toString()),
                List.of(music.toString()), out.toString(), "builtin", null, null, false, 1));
    }

    /** Every file under {@code dir} (relative path → bytes), hidden temporaries included. */
    static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    static void assertSameAsReference(Path out) throws IOException {
        Map<String, byte[]> want = tree(reference);
        Map<String, byte[]> got = tree(out);
        got.remove("extract-rejects.csv");
        assertEquals(want.keySet(), got.keySet(), "same files, no temporaries or duplicates");
        for (String f : want.keySet()) {
            if (f.endsWith(".pt")) {
                Tensor a = TorchSave.read(reference.resolve(f));
                Tensor b = TorchSave.read(out.resolve(f));
                assertArrayEquals(a.shape(), b.shape(), f);
                assertArrayEquals(a.toArray(), b.toArray(), 0f, f);
            }
            assertArrayEquals(want.get(f), got.get(f), f);
        }
    }

    @Test
    void sameFeaturesAsSingleProcessAndRejectsTheBrokenFile() throws IOException {
        Path out = tmp.resolve("plain");
        assertEquals(2, spark(out), "a failed input makes the exit code 2, as extract");
        assertSameAsReference(out);
        assertEquals(1, ExecutorResources.createdCount("extract/frames/builtin/null/null/false/1"),
                "the encoder is made once per executor JVM, not per file or task");
        List<String> rejects = Files.readAllLines(out.resolve("extract-rejects.csv"));
        assertEquals(2, rejects.size(), rejects.toString());
        assertTrue(rejects.get(1).startsWith("video," + videos.resolve("broken.mp4") + ","), rejects.get(1));
        // the rerun has nothing left to do (done files skipped) and changes nothing
        Map<String, byte[]> before = tree(out);
        AtomicInteger processed = new AtomicInteger();
        BatchRunner.faultHook((p, a, i, w) -> processed.incrementAndGet());
        assertEquals(2, spark(out));
        assertEquals(0, processed.get(), "done files are skipped on a rerun");
        assertEquals(before.keySet(), tree(out).keySet());
    }

    @Test
    void aTaskFailingOnItsFirstAttemptIsRetriedWithIdenticalOutput() throws IOException {
        Path out = tmp.resolve("retried");
        AtomicInteger injected = new AtomicInteger();
        // partition 1 dies after committing part of its second file, on the first attempt only
        BatchRunner.faultHook((p, a, i, w) -> {
            if (p == 1 && a == 0 && i == 1) {
                injected.incrementAndGet();
                throw new BatchRunner.InjectedFault("injected failure in " + w.id());
            }
        });
        assertEquals(2, spark(out));
        assertEquals(1, injected.get());
        assertSameAsReference(out);
    }

    @Test
    void aJobKilledHalfWayCompletesIdenticallyOnRerun() throws IOException {
        Path out = tmp.resolve("killed");
        // partition 2 fails on every attempt after its first file: the job aborts with some files committed
        BatchRunner.faultHook((p, a, i, w) -> {
            if (p == 2 && i == 1) {
                throw new BatchRunner.InjectedFault("injected failure in " + w.id());
            }
        });
        MgsvException e = assertThrows(MgsvException.class, () -> spark(out));
        assertTrue(e.getMessage().contains("rerun to resume"), e.getMessage());
        List<String> partial = new ArrayList<>(tree(out).keySet());
        assertTrue(partial.stream().anyMatch(f -> f.endsWith(".pt")), "some files were committed before the kill");
        assertFalse(Files.exists(out.resolve("videos.csv")) && tree(out).equals(tree(reference)));
        BatchRunner.faultHook(null);
        assertEquals(2, spark(out));
        assertSameAsReference(out);
    }

    @Test
    void theExtractCommandRunsTheSparkEngine() throws IOException {
        Path out = tmp.resolve("cli");
        int code = org.mgsv.app.Main.commandLine().execute("extract", "--engine", "spark", "--videos", videos.toString(),
                "--music", music.toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(2, code, "the broken file makes the exit code 2");
        assertSameAsReference(out);
        assertEquals(1, org.mgsv.app.Main.commandLine().execute("extract", "--master", "local[2]", "--videos",
                videos.toString(), "--out", out.toString()), "--master without --engine spark is an error");
    }

    @Test
    void partitionsAreSizedInMinutesOfWork() {
        // 10,000 clips of ~7.1 s each, 5-minute partitions: 42 clips a partition
        assertEquals(239, BatchRunner.partitions(10_000, 7.1, 5, 16));
        // few inputs still spread over the cores
        assertEquals(4, BatchRunner.partitions(20, 1, 5, 2));
        assertEquals(3, BatchRunner.partitions(3, 1, 5, 2));
    }
}
