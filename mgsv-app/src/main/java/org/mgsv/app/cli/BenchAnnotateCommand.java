package org.mgsv.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.mgsv.annotate.Annotator;
import org.mgsv.annotate.Evaluation;
import org.mgsv.annotate.FingerprintIndex;
import org.mgsv.annotate.Landmarks;
import org.mgsv.annotate.Matcher;
import org.mgsv.annotate.MusicLibrary;
import org.mgsv.annotate.SyntheticQueries;
import org.mgsv.app.server.DemoMusic;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.ConsoleProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgsv bench annotate}: accuracy and speed of the annotator on generated videos with known answers. */
@Command(
        name = "annotate",
        mixinStandardHelpOptions = true,
        description = {
            "Accuracy and speed of 'mgsv annotate' on query videos generated at bench time from real recordings "
                    + "(Debian's wesnoth-music): moments of library tracks with espeak-ng voice-over at "
                    + "music-to-speech ratios down to -3 dB, room noise, gain, EQ tilt, fades, pre-/post-roll, "
                    + "any sample rate, mono/stereo, AAC/Opus/MP3 at 64 kbps; and videos that must be rejected "
                    + "(held-out tracks, speech only, silent, no audio stream).",
            "Prints per condition: correct track, wrong track, missed, false accepts, |offset|, |music_start| "
                    + "and |music_end| errors (median, p90), latency; fingerprinting speed (x real time, one "
                    + "thread), index size per hour of music; with --library N the same videos against a "
                    + "generated library of N tracks (real recordings at other speeds, forwards and backwards): "
                    + "latency including decode, and index size.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mgsv bench annotate --per-condition 10 --json bench-annotate.json",
            "  mgsv bench annotate --per-condition 4 --library 0"
        })
public final class BenchAnnotateCommand implements Callable<Integer> {
    @Option(names = "--per-condition", defaultValue = "8", paramLabel = "<n>",
            description = "videos per condition (default ${DEFAULT-VALUE})")
    int perCondition;

    @Option(names = "--held-out", defaultValue = "4", paramLabel = "<n>",
            description = "tracks kept out of the library (default ${DEFAULT-VALUE})")
    int heldOut;

    @Option(names = "--min-moment", defaultValue = "6", paramLabel = "<s>", description = "shortest moment (default ${DEFAULT-VALUE} s)")
    double minMoment;

    @Option(names = "--max-moment", defaultValue = "20", paramLabel = "<s>", description = "longest moment (default ${DEFAULT-VALUE} s)")
    double maxMoment;

    @Option(names = "--library", defaultValue = "4000", paramLabel = "<n>",
            description = "also run against a generated library of n tracks (0 = skip; default ${DEFAULT-VALUE})")
    int library;

    @Option(names = "--music", paramLabel = "<dir>", description = "real recordings (default: wesnoth-music)")
    Path music;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", paramLabel = "<file>", description = "also write the figures as JSON")
    Path json;

    @Option(names = "--work", paramLabel = "<dir>", description = "scratch folder (default: temporary, deleted after)")
    Path work;

    @Override
    public Integer call() throws Exception {
        if (!SyntheticQueries.toolsAvailable()) {
            throw new MgsvException("bench annotate needs the ffmpeg and espeak-ng commands on PATH");
        }
        List<Path> tracks = music != null ? org.mgsv.core.data.MediaFiles.list(music,
                org.mgsv.core.data.MediaFiles.AUDIO_EXTENSIONS).reportTo(System.err) : DemoMusic.wesnothTracks(1000);
        if (tracks.size() < heldOut + 2) {
            throw new MgsvException("bench annotate needs real recordings: install Debian's wesnoth-music or give "
                    + "--music DIR (found " + tracks.size() + ")");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", BenchInfo.machine());
        System.out.println("machine: " + BenchInfo.cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + BenchInfo.loadAverage());
        Path dir = work != null ? work : Files.createTempDirectory("mgsv-bench-annotate-");
        try {
            return run(tracks, dir, report);
        } finally {
            if (work == null) {
                AtomicFiles.deleteRecursively(dir);
            }
        }
    }

    private int run(List<Path> tracks, Path dir, Map<String, Object> report) throws Exception {
        // decode once: durations, the held-out choice, and the sources of the generated library
        List<float[]> mono = new ArrayList<>();
        double totalSeconds = 0;
        try (ConsoleProgress bar = new ConsoleProgress("decode", tracks.size())) {
            for (Path t : tracks) {
                float[] x = MusicLibrary.mono(t);
                mono.add(x);
                totalSeconds += (double) x.length / Landmarks.SAMPLE_RATE;
                bar.step();
            }
        }
        double needed = maxMoment + 4;
        List<Integer> longOnes = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            if (mono.get(i).length > needed * Landmarks.SAMPLE_RATE) {
                longOnes.add(i);
            }
        }
        java.util.Collections.shuffle(longOnes, new Random(seed));
        java.util.Set<Integer> held = new java.util.TreeSet<>(longOnes.subList(0, Math.min(heldOut, longOnes.size())));
        List<Path> lib = new ArrayList<>(), libLong = new ArrayList<>(), out = new ArrayList<>();
        double libSeconds = 0;
        for (int i = 0; i < tracks.size(); i++) {
            if (held.contains(i)) {
                out.add(tracks.get(i));
            } else {
                lib.add(tracks.get(i));
                libSeconds += (double) mono.get(i).length / Landmarks.SAMPLE_RATE;
                if (longOnes.contains(i)) {
                    libLong.add(tracks.get(i));
                }
            }
        }
        System.out.printf(Locale.ROOT, "recordings: %d (%.1f min), library %d, held out %d%n", tracks.size(),
                totalSeconds / 60, lib.size(), out.size());

        // indexing speed, one thread: decode + fingerprint, and fingerprint alone
        Path indexFile = dir.resolve("library.mfp");
        long t0 = System.nanoTime();
        MusicLibrary.Update up;
        try (ConsoleProgress bar = new ConsoleProgress("fingerprint", lib.size())) {
            up = MusicLibrary.update(indexFile, lib, 1, bar::step, f -> System.err.println("failed: " + f.file()
                    + ": " + f.reason()));
        }
        double indexWall = (System.nanoTime() - t0) / 1e9;
        long p0 = System.nanoTime();
        for (int i = 0; i < tracks.size(); i++) {
            if (!held.contains(i)) {
                Landmarks.of(mono.get(i), Landmarks.INDEX);
            }
        }
        double printWall = (System.nanoTime() - p0) / 1e9;
        FingerprintIndex idx = up.index();
        Map<String, Object> ix = new LinkedHashMap<>();
        ix.put("tracks", idx.size());
        ix.put("music_hours", round(libSeconds / 3600, 3));
        ix.put("index_x_realtime_1_thread_with_decode", round(libSeconds / indexWall, 0));
        ix.put("index_x_realtime_1_thread_fingerprint_only", round(libSeconds / printWall, 0));
        ix.put("index_tracks_per_s_1_thread", round(idx.size() / indexWall, 2));
        ix.put("landmarks_per_s_of_music", round(idx.entries() / libSeconds, 1));
        ix.put("index_mb_per_hour_of_music", round(idx.bytes() / 1e6 / (libSeconds / 3600), 2));
        ix.put("index_bytes", idx.bytes());
        report.put("index", ix);
        System.out.println("index: " + ix);

        SyntheticQueries gen = new SyntheticQueries(dir.resolve("scratch"));
        Files.createDirectories(dir.resolve("scratch"));
        List<Evaluation.Condition> conditions = Evaluation.standard();
        List<Evaluation.Case> cases;
        try (ConsoleProgress bar = new ConsoleProgress("generate", (long) conditions.size() * perCondition)) {
            cases = Evaluation.generate(gen, dir.resolve("videos"), libLong, longOnes.stream().filter(held::contains)
                    .map(tracks::get).toList(), conditions, perCondition, minMoment, maxMoment, 4, seed, bar::step);
        }
        Annotator an = new Annotator(idx, Matcher.Config.DEFAULT);
        List<Evaluation.Outcome> res;
        try (ConsoleProgress bar = new ConsoleProgress("annotate", cases.size())) {
            res = Evaluation.run(an, cases, bar::step);
        }
        List<Evaluation.Summary> small = Evaluation.summaries(res);
        print("library of " + idx.size() + " tracks, 1 thread, load " + BenchInfo.loadAverage(), small);
        report.put("library_" + idx.size(), small.stream().map(Evaluation.Summary::toMap).toList());
        report.put("failures_" + idx.size(), failures(res));
        report.put("cases_" + idx.size(), details(res));

        if (library > idx.size()) {
            List<float[]> sources = new ArrayList<>();
            for (int i = 0; i < tracks.size(); i++) {
                if (mono.get(i).length > 10 * Landmarks.SAMPLE_RATE) {
                    sources.add(mono.get(i));
                }
            }
            Evaluation.Distractors d = new Evaluation.Distractors(sources, library - idx.size());
            Path big = dir.resolve("generated.mfp");
            Files.copy(indexFile, big, StandardCopyOption.REPLACE_EXISTING);
            double genSeconds = 0;
            long g0 = System.nanoTime();
            double printOnly = 0;
            try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(big);
                    ConsoleProgress bar = new ConsoleProgress("generated library", d.size())) {
                for (int i = 0; i < d.size(); i++) {
                    float[] x = d.apply(i);
                    genSeconds += (double) x.length / Landmarks.SAMPLE_RATE;
                    long f0 = System.nanoTime();
                    Landmarks.Prints p = Landmarks.of(x, Landmarks.INDEX);
                    printOnly += (System.nanoTime() - f0) / 1e9;
                    w.add(new FingerprintIndex.Track("generated-" + i, d.describe(i),
                            (double) x.length / Landmarks.SAMPLE_RATE, 0, 0), p);
                    if ((i + 1) % 500 == 0) {
                        w.commit();
                    }
                    bar.step();
                }
                w.commit();
            }
            double genWall = (System.nanoTime() - g0) / 1e9;
            FingerprintIndex bigIdx = FingerprintIndex.open(big);
            double hours = (libSeconds + genSeconds) / 3600;
            Map<String, Object> gx = new LinkedHashMap<>();
            gx.put("tracks", bigIdx.size());
            gx.put("music_hours", round(hours, 1));
            gx.put("index_bytes", bigIdx.bytes());
            gx.put("index_mb", round(bigIdx.bytes() / 1e6, 1));
            gx.put("fingerprint_x_realtime_1_thread", round(genSeconds / printOnly, 0));
            gx.put("build_seconds_with_generation_and_commits", round(genWall, 1));
            int real = idx.size();
            MusicLibrary.TrackAudio realAudio = new MusicLibrary.TrackAudio(bigIdx);
            Matcher.TrackSource audio = (i, from, length) -> i < real ? realAudio.window(i, from, length)
                    : d.window(i - real, from, length);
            Annotator bigAn = new Annotator(bigIdx, audio, Matcher.Config.DEFAULT);
            List<Evaluation.Outcome> bigRes;
            try (ConsoleProgress bar = new ConsoleProgress("annotate", cases.size())) {
                bigRes = Evaluation.run(bigAn, cases, bar::step);
            }
            List<Evaluation.Summary> bigSum = Evaluation.summaries(bigRes);
            List<Double> lat30 = new ArrayList<>();
            for (Evaluation.Outcome o : bigRes) {
                lat30.add(o.seconds() * 1000 * 30 / Math.max(1, o.c().spec() == null ? 30 : o.c().spec().duration()));
            }
            gx.put("latency_ms_p50_all_videos", Evaluation.summarise("all", bigRes).latencyMsP50());
            gx.put("latency_ms_p50_per_30s_of_video", round(BenchInfo.median(lat30), 1));
            gx.put("peak_rss_mb", round(BenchInfo.peakRssMb(), 0));
            report.put("generated_library", gx);
            System.out.println("generated library: " + gx);
            print("library of " + bigIdx.size() + " tracks (generated), 1 thread, load " + BenchInfo.loadAverage(),
                    bigSum);
            report.put("library_" + bigIdx.size(), bigSum.stream().map(Evaluation.Summary::toMap).toList());
            report.put("failures_" + bigIdx.size(), failures(bigRes));
        }
        report.put("load_average_end", BenchInfo.loadAverage());
        if (json != null) {
            AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report) + "\n");
        }
        return 0;
    }

    /** Every case: truth and answer. */
    private static List<Map<String, Object>> details(List<Evaluation.Outcome> res) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Evaluation.Outcome o : res) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", o.c().file().getFileName().toString());
            m.put("condition", o.c().condition().name());
            m.put("truth", o.c().trackId());
            SyntheticQueries.Spec s = o.c().spec();
            if (s != null && s.music()) {
                m.put("truth_video_start_end", List.of(s.videoStart(), round(s.videoEnd(), 3)));
                m.put("truth_music_start_end", List.of(s.musicStart(), round(s.musicEnd(), 3)));
                m.put("fade_in_out", List.of(s.fadeIn(), s.fadeOut()));
            }
            Annotator.Row row = o.row();
            if (row != null) {
                m.put("got", row.annotation().musicId());
                m.put("video_start_end", List.of(row.annotation().videoStart(), row.annotation().videoEnd()));
                m.put("music_start_end", List.of(row.annotation().musicStart(), row.annotation().musicEnd()));
                m.put("confidence", row.confidence());
                m.put("votes_other_contrast", List.of(row.match().votes(), row.match().secondVotes(),
                        round(row.match().contrast(), 3)));
            } else {
                m.put("reject", ((Annotator.Reject) o.result()).reason());
            }
            m.put("ms", round(o.seconds() * 1000, 1));
            out.add(m);
        }
        return out;
    }

    /** The cases that went wrong, for a look at why. */
    private static List<String> failures(List<Evaluation.Outcome> res) {
        List<String> f = new ArrayList<>();
        for (Evaluation.Outcome o : res) {
            Annotator.Row row = o.row();
            String truth = o.c().trackId();
            boolean ok = truth == null ? row == null : row != null && row.annotation().musicId().equals(truth);
            if (!ok) {
                f.add(o.c().file().getFileName() + " [" + o.c().condition().name() + "] truth=" + truth + " got="
                        + (row == null ? ((Annotator.Reject) o.result()).reason() : row.annotation().musicId()
                        + " votes " + row.match().votes() + " (next " + row.match().secondVotes() + "), contrast "
                        + Math.round(row.match().contrast() * 1000) / 1000.0) + (o.c().spec() == null ? "" : " spec=" + o.c().spec()));
            }
        }
        return f;
    }

    private static void print(String title, List<Evaluation.Summary> rows) {
        System.out.println();
        System.out.println(title);
        System.out.printf(Locale.ROOT, "%-40s %6s %7s %5s %6s %3s %13s %13s %13s %11s %7s%n", "condition", "videos",
                "correct", "wrong", "missed", "FA", "offset ms", "start ms", "start* ms", "end s", "lat ms");
        System.out.printf(Locale.ROOT, "%-40s %6s %7s %5s %6s %3s %13s %13s %13s %11s %7s%n", "", "", "", "", "", "",
                "p50/p90", "p50/p90", "p50/p90", "p50/p90", "p50");
        for (Evaluation.Summary s : rows) {
            System.out.printf(Locale.ROOT, "%-40s %6d %7d %5d %6d %3d %6.1f/%-6.1f %6.0f/%-6.0f %6.0f/%-6.0f %5.2f/%-5.2f %7.0f%n",
                    s.name(), s.videos(), s.correct(), s.wrong(), s.missed(), s.falseAccepts(), s.offsetMsP50(),
                    s.offsetMsP90(), s.startMsP50(), s.startMsP90(), s.startNoFadeMsP50(), s.startNoFadeMsP90(),
                    s.endSP50(), s.endSP90(), s.latencyMsP50());
        }
        System.out.println("(start*: videos without a fade-in; errors of the correct tracks; FA: false accepts)");
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
