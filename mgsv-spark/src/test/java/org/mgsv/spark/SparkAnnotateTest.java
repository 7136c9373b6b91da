package org.mgsv.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.annotate.Annotator;
import org.mgsv.annotate.FingerprintIndex;
import org.mgsv.annotate.Matcher;
import org.mgsv.annotate.MusicLibrary;
import org.mgsv.annotate.SyntheticQueries;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.app.server.DemoMusic;
import org.mgsv.core.data.MediaFiles;

/**
 * The Spark annotate job against the single-process annotator: same annotations and rejects, also after a task
 * that fails once and is retried, and on a rerun; the fingerprint index is only read by the executors.
 */
class SparkAnnotateTest {
    @TempDir static Path tmp;
    static Path videos;
    static Path index;
    static Path reference;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(SyntheticQueries.toolsAvailable(), "ffmpeg and espeak-ng needed");
        List<Path> lib = new ArrayList<>();
        for (Path p : DemoMusic.wesnothTracks(1000)) {
            if (Files.size(p) > 1_000_000 && Files.size(p) < 1_500_000 && lib.size() < 2) {
                lib.add(p);
            }
        }
        Assumptions.assumeTrue(lib.size() == 2, "wesnoth-music not installed");
        index = tmp.resolve("lib.mfp");
        MusicLibrary.update(index, lib, 1, () -> {}, f -> {});
        videos = Files.createDirectories(tmp.resolve("videos"));
        SyntheticQueries gen = new SyntheticQueries(Files.createDirectories(tmp.resolve("scratch")));
        Random r = new Random(3);
        String[] codecs = {"aac", "opus", "mp3"};
        for (int i = 0; i < 3; i++) {
            float[] x = SyntheticQueries.load(lib.get(i % 2));
            SyntheticQueries.Spec s = SyntheticQueries.randomSpec("v" + i, r, (double) x.length / SyntheticQueries.RATE,
                    6, 8, 0, codecs[i]);
            gen.encode(s, gen.render(s, x, i, i), videos, true);
        }
        SyntheticQueries.Spec speech = new SyntheticQueries.Spec("speech", false, 0, 6, 0, 0, 0, 0, 0, 25, 1, 0,
                "aac", 64, 44100, 1);
        gen.encode(speech, gen.render(speech, null, 1, 1), videos, true);
        Files.writeString(videos.resolve("broken.mp4"), "not a video");
        // the single-process command's output
        reference = tmp.resolve("reference");
        Annotator an = new Annotator(FingerprintIndex.open(index), Matcher.Config.DEFAULT);
        Annotator.Report rep = an.run(MediaFiles.list(videos, MediaFiles.VIDEO_EXTENSIONS).files(), 1,
                () -> {}, x -> {});
        assertEquals(3, rep.rows().size(), rep.rejects().toString());
        Annotator.write(Files.createDirectories(reference), rep, null, 0);
        SharedSpark.get();
    }

    @AfterEach
    void noHook() {
        BatchRunner.faultHook(null);
    }

    static int spark(Path out) {
        return new SparkEngine().annotate(null, new DistributedEngine.AnnotateJob(List.of(videos.toString()),
                index.toString(), out.toString(), 5, 0.15, null, 0));
    }

    static void assertSameOutput(Path out) throws Exception {
        for (String f : List.of(Annotator.ANNOTATIONS, Annotator.REJECTS)) {
            assertEquals(Files.readString(reference.resolve(f)), Files.readString(out.resolve(f)), f);
        }
    }

    @Test
    void sameAsSingleProcessAfterARetryAndOnARerun() throws Exception {
        Path out = tmp.resolve("spark");
        AtomicInteger injected = new AtomicInteger();
        BatchRunner.faultHook((partition, attempt, item, w) -> {
            if (partition == 0 && attempt == 0 && item == 0) {
                injected.incrementAndGet();
                throw new BatchRunner.InjectedFault("injected before commit");
            }
        });
        assertEquals(2, spark(out)); // the unreadable file
        assertEquals(1, injected.get());
        assertSameOutput(out);
        assertTrue(Files.readString(out.resolve("annotate-failed.csv")).contains("broken.mp4"));
        // a rerun reads the committed records: nothing is annotated again, same output, still exit 2
        BatchRunner.faultHook((partition, attempt, item, w) -> {
            throw new AssertionError("rerun annotated " + w.source() + " again");
        });
        assertEquals(2, spark(out));
        assertSameOutput(out);
    }
}
