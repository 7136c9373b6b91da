package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.annotate.Evaluation;
import org.mgsv.annotate.SyntheticQueries;
import org.mgsv.app.CliRun;
import org.mgsv.app.server.DemoMusic;
import org.mgsv.app.testutil.Media;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.data.MediaFiles;

/**
 * annotate → extract → train → eval through the command line, on videos generated from real recordings
 * (wesnoth-music) through every codec (AAC, Opus, MP3 at 64 kbps) with voice-over down to −3 dB, and on videos
 * that must be rejected: a held-out track, speech only, a silent soundtrack, no audio stream, an unreadable file.
 */
class AnnotateEndToEndTest {
    @TempDir Path tmp;

    @Test
    void annotatesRealRecordingsThenExtractsTrainsAndEvaluates() throws Exception {
        Media.assumeFfmpeg();
        Assumptions.assumeTrue(SyntheticQueries.toolsAvailable(), "ffmpeg and espeak-ng needed");
        List<Path> real = new ArrayList<>();
        for (Path p : DemoMusic.wesnothTracks(1000)) {
            long size = Files.size(p);
            if (size > 1_000_000 && size < 2_000_000) { // 1–2 min recordings keep the test short
                real.add(p);
            }
        }
        Assumptions.assumeTrue(real.size() >= 4, "wesnoth-music not installed");
        Path music = Files.createDirectories(tmp.resolve("music"));
        List<Path> library = new ArrayList<>();
        for (Path p : real.subList(0, 3)) {
            library.add(Files.copy(p, music.resolve(p.getFileName())));
        }
        Path heldOut = real.get(3); // not in the library: its videos must be rejected

        List<Evaluation.Condition> conditions = new ArrayList<>();
        for (String codec : List.of("aac", "opus", "mp3")) {
            conditions.add(new Evaluation.Condition("0 dB " + codec, Evaluation.Source.LIBRARY, 0, codec, 64));
        }
        conditions.add(new Evaluation.Condition("-3 dB", Evaluation.Source.LIBRARY, -3, "aac", 64));
        conditions.add(new Evaluation.Condition("music only", Evaluation.Source.LIBRARY, Double.NaN, "opus", 64));
        conditions.add(new Evaluation.Condition("held out", Evaluation.Source.HELD_OUT, 0, "mp3", 64));
        conditions.add(new Evaluation.Condition("speech", Evaluation.Source.SPEECH_ONLY, 0, "aac", 64));
        conditions.add(new Evaluation.Condition("silent", Evaluation.Source.SILENT, Double.NaN, "aac", 64));
        conditions.add(new Evaluation.Condition("no audio", Evaluation.Source.NO_AUDIO, Double.NaN, "aac", 64));
        Path videos = tmp.resolve("videos");
        SyntheticQueries gen = new SyntheticQueries(Files.createDirectories(tmp.resolve("scratch")));
        List<Evaluation.Case> cases = Evaluation.generate(gen, videos, library, List.of(heldOut), conditions, 1, 6, 9,
                1, 7, () -> {});

        Path ds = tmp.resolve("ds");
        CliRun r = CliRun.run("annotate", "--videos", videos.toString(), "--music", music.toString(), "--out",
                ds.toString(), "--split", "train=0.6,val=0.2,test=0.2", "--threads", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        Map<String, Annotation> rows = new HashMap<>();
        for (Annotation a : AnnotationCsv.read(ds.resolve("annotations.csv"))) {
            rows.put(a.videoId(), a);
        }
        String rejects = Files.readString(ds.resolve("rejects.csv"));
        for (Evaluation.Case c : cases) {
            String id = MediaFiles.idOf(c.file());
            if (c.trackId() == null) {
                assertTrue(!rows.containsKey(id) && rejects.contains(id + ","), c.condition().name() + ": " + rows.get(id));
                continue;
            }
            Annotation a = rows.get(id);
            assertTrue(a != null, c.condition().name() + " rejected: " + rejects);
            assertEquals(c.trackId(), a.musicId(), c.condition().name());
            SyntheticQueries.Spec s = c.spec();
            // the alignment (track time − video time) to 20 ms; the span's edges to 50 ms where the music starts or
            // stops at once, and to what a fade under voice-over allows where it fades
            assertEquals(s.musicStart() - s.preRoll(), a.musicStart() - a.videoStart(), 0.02, c.condition().name());
            assertEquals(s.musicStart(), a.musicStart(), s.fadeIn() == 0 ? 0.05 : 0.1 + s.fadeIn(),
                    c.condition().name());
            assertEquals(s.musicEnd(), a.musicEnd(), s.fadeOut() == 0 ? 0.05 : 0.35 + s.fadeOut(),
                    c.condition().name());
            assertEquals(s.duration(), a.videoTotalDuration(), 0.1);
        }
        assertTrue(rejects.contains("no audio"), rejects);
        assertTrue(rejects.contains("no match in the library"), rejects);
        // splits: every video once, val and test one video per track
        Set<String> seen = new HashSet<>();
        for (String split : List.of("train", "val", "test")) {
            Set<String> tracks = new HashSet<>();
            for (Annotation a : AnnotationCsv.read(ds.resolve(split + "_data.csv"))) {
                assertTrue(seen.add(a.videoId()), a.videoId() + " in two splits");
                assertTrue(split.equals("train") || tracks.add(a.musicId()), split + " repeats " + a.musicId());
            }
        }
        assertEquals(rows.keySet(), seen);

        // an unreadable video is reported and skipped (exit 2); the library is not fingerprinted again
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(bad.resolve("broken.mp4"), "not a video");
        Files.copy(cases.get(0).file(), bad.resolve(cases.get(0).file().getFileName()));
        CliRun b = CliRun.run("annotate", "--videos", bad.toString(), "--music", music.toString(), "--out",
                tmp.resolve("ds-bad").toString(), "--index", ds.resolve("fingerprints.mfp").toString());
        assertEquals(2, b.code(), b.out() + b.err());
        assertTrue(b.out().contains("0 added, 3 already there"), b.out());
        assertTrue(Files.readString(tmp.resolve("ds-bad/rejects.csv")).contains("broken,unreadable"));
        assertEquals(1, AnnotationCsv.read(tmp.resolve("ds-bad/annotations.csv")).size());

        // the result is a dataset: extract its features, train an epoch, evaluate
        CliRun x = CliRun.run("extract", "--videos", videos.toString(), "--music", music.toString(), "--out",
                ds.toString(), "--threads", "1");
        assertEquals(0, x.code(), x.out() + x.err());
        Path run = tmp.resolve("run");
        CliRun t = CliRun.run("train", "--data", ds.toString(), "--out", run.toString(), "--epochs", "1",
                "--batch-size", "2");
        assertEquals(0, t.code(), t.out() + t.err());
        CliRun e = CliRun.run("eval", "--data", ds.toString(), "--split", "test", "--model", run.toString());
        assertEquals(0, e.code(), e.out() + e.err());
        assertTrue(e.out().contains("R1"), e.out());
    }
}
