package org.mgsv.bench.annotate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.mgsv.annotate.Annotator;
import org.mgsv.annotate.Evaluation;
import org.mgsv.annotate.FingerprintIndex;
import org.mgsv.annotate.Landmarks;
import org.mgsv.annotate.Matcher;
import org.mgsv.annotate.MusicLibrary;
import org.mgsv.annotate.Stages;
import org.mgsv.annotate.SyntheticQueries;
import org.mgsv.bench.BenchInfo;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.core.util.Digests;
import org.mgsv.core.util.Stats;

/**
 * Accuracy and speed of the annotator ({@code mgsv bench annotate}) on query videos generated from real
 * recordings, with known answers: a library of most recordings and held-out ones that must be rejected, every
 * condition of {@link Evaluation#standard()}, indexing speed and index size, and optionally the same videos
 * against a larger generated library (real recordings at other speeds, forwards and backwards). The lines a person
 * reads go to {@code log}, failures to fingerprint a track to {@code warn}.
 */
public final class AnnotateBench {
    /**
     * Videos per condition, tracks held out of the library, shortest and longest moment (s), the size of the
     * generated library (0 or not above the real one's: skipped), the seed of every choice, the matcher's
     * settings and the threads each video is matched on (the videos go one at a time).
     */
    public record Config(int perCondition, int heldOut, double minMoment, double maxMoment, int library, long seed,
            Matcher.Config matcher, int queryThreads) {}

    private final Config cfg;
    private final Consumer<String> log;
    private final Consumer<String> warn;

    public AnnotateBench(Config cfg, Consumer<String> log, Consumer<String> warn) {
        this.cfg = cfg;
        this.log = log;
        this.warn = warn;
    }

    /**
     * Every measurement, into {@code report}: decode of {@code tracks}, indexing speed, accuracy per condition on
     * the library, and with {@link Config#library()} above the library's size the same videos against a generated
     * library. Scratch files go under {@code dir}.
     */
    public void run(List<Path> tracks, Path dir, Map<String, Object> report) throws IOException {
        Map<String, Object> mc = new LinkedHashMap<>();
        mc.put("min_votes", cfg.matcher().minVotes());
        mc.put("candidates", cfg.matcher().candidates());
        mc.put("min_contrast", cfg.matcher().minContrast());
        mc.put("common_hash", cfg.matcher().commonHash());
        mc.put("query_threads", cfg.queryThreads());
        report.put("matcher", mc);
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
        double needed = cfg.maxMoment() + 4;
        List<Integer> longOnes = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            if (mono.get(i).length > needed * Landmarks.SAMPLE_RATE) {
                longOnes.add(i);
            }
        }
        Collections.shuffle(longOnes, new Random(cfg.seed()));
        Set<Integer> held = new TreeSet<>(longOnes.subList(0, Math.min(cfg.heldOut(), longOnes.size())));
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
        log.accept(String.format(Locale.ROOT, "recordings: %d (%.1f min), library %d, held out %d", tracks.size(),
                totalSeconds / 60, lib.size(), out.size()));

        // indexing speed, one thread: decode + fingerprint, and fingerprint alone
        Path indexFile = dir.resolve("library.mfp");
        Files.deleteIfExists(indexFile); // a work folder's earlier index would leave nothing to measure
        long t0 = System.nanoTime();
        MusicLibrary.Update up;
        try (ConsoleProgress bar = new ConsoleProgress("fingerprint", lib.size())) {
            up = MusicLibrary.update(indexFile, lib, 1, bar::step, f -> warn.accept("failed: " + f.file()
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
        log.accept("index: " + ix);

        SyntheticQueries gen = new SyntheticQueries(dir.resolve("scratch"));
        Files.createDirectories(dir.resolve("scratch"));
        List<Evaluation.Condition> conditions = Evaluation.standard();
        List<Evaluation.Case> cases;
        try (ConsoleProgress bar = new ConsoleProgress("generate", (long) conditions.size() * cfg.perCondition())) {
            cases = Evaluation.generate(gen, dir.resolve("videos"), libLong, longOnes.stream().filter(held::contains)
                    .map(tracks::get).toList(), conditions, cfg.perCondition(), cfg.minMoment(), cfg.maxMoment(), 4,
                    cfg.seed(), bar::step);
        }
        MusicLibrary.TrackAudio libAudio = new MusicLibrary.TrackAudio(idx);
        Annotator an = new Annotator(idx, libAudio, cfg.matcher(), cfg.queryThreads());
        List<Evaluation.Outcome> res;
        try (ConsoleProgress bar = new ConsoleProgress("annotate", cases.size())) {
            res = Evaluation.run(an, cases, bar::step);
        }
        List<Evaluation.Summary> small = Evaluation.summaries(res);
        print("library of " + idx.size() + " tracks, " + threads(cfg.queryThreads()) + " a video, load " + BenchInfo.loadAverage(), small);
        report.put("library_" + idx.size(), small.stream().map(Evaluation.Summary::toMap).toList());
        report.put("verify_excerpts_" + idx.size(), excerpts(libAudio));
        report.put("failures_" + idx.size(), failures(res));
        report.put("cases_" + idx.size(), details(res));
        report.put("stages_ms_" + idx.size(), stages(res));

        if (cfg.library() > idx.size()) {
            List<float[]> sources = new ArrayList<>();
            for (int i = 0; i < tracks.size(); i++) {
                if (mono.get(i).length > 10 * Landmarks.SAMPLE_RATE) {
                    sources.add(mono.get(i));
                }
            }
            Evaluation.Distractors d = new Evaluation.Distractors(sources, cfg.library() - idx.size());
            Path big = dir.resolve("generated.mfp");
            Path keyFile = dir.resolve("generated.key");
            String key = generatedKey(indexFile, d);
            boolean reuse = Files.exists(big) && Files.exists(keyFile) && Files.readString(keyFile).equals(key);
            double genSeconds = 0;
            long g0 = System.nanoTime();
            double printOnly = 0;
            if (reuse) {
                log.accept("generated library: reusing " + big + " (same recordings, fingerprints and copies)");
                try (FingerprintIndex old = FingerprintIndex.open(big)) {
                    for (int i = 0; i < d.size(); i++) {
                        genSeconds += old.track(idx.size() + i).seconds();
                    }
                }
            } else {
                Files.deleteIfExists(keyFile);
                Files.copy(indexFile, big, StandardCopyOption.REPLACE_EXISTING);
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
                Files.writeString(keyFile, key);
            }
            double genWall = (System.nanoTime() - g0) / 1e9;
            FingerprintIndex bigIdx = FingerprintIndex.open(big);
            double hours = (libSeconds + genSeconds) / 3600;
            Map<String, Object> gx = new LinkedHashMap<>();
            gx.put("tracks", bigIdx.size());
            gx.put("music_hours", round(hours, 1));
            gx.put("index_bytes", bigIdx.bytes());
            gx.put("index_mb", round(bigIdx.bytes() / 1e6, 1));
            if (reuse) {
                gx.put("reused_from_work_dir", true);
            } else {
                gx.put("fingerprint_x_realtime_1_thread", round(genSeconds / printOnly, 0));
                gx.put("build_seconds_with_generation_and_commits", round(genWall, 1));
            }
            int real = idx.size();
            MusicLibrary.TrackAudio realAudio = new MusicLibrary.TrackAudio(bigIdx);
            Matcher.TrackSource audio = (i, from, length) -> i < real ? realAudio.window(i, from, length)
                    : d.window(i - real, from, length);
            Annotator bigAn = new Annotator(bigIdx, audio, cfg.matcher(), cfg.queryThreads());
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
            gx.put("latency_ms_p50_per_30s_of_video", round(Stats.median(lat30), 1));
            gx.put("peak_rss_mb", round(BenchInfo.peakRssMb(), 0));
            gx.put("verify_excerpts_of_recordings", excerpts(realAudio));
            report.put("generated_library", gx);
            log.accept("generated library: " + gx);
            print("library of " + bigIdx.size() + " tracks (generated), " + threads(cfg.queryThreads()) + " a video, load " + BenchInfo.loadAverage(),
                    bigSum);
            report.put("library_" + bigIdx.size(), bigSum.stream().map(Evaluation.Summary::toMap).toList());
            report.put("failures_" + bigIdx.size(), failures(bigRes));
            report.put("stages_ms_" + bigIdx.size(), stages(bigRes));
        }
        report.put("load_average_end", BenchInfo.loadAverage());
    }

    /**
     * Where the latency goes: per stage, the median and the mean milliseconds of the videos with music in the
     * library and of those with a soundtrack that must be rejected (silent and no-audio videos stop at decode).
     */
    private Map<String, Object> stages(List<Evaluation.Outcome> res) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (boolean inLibrary : new boolean[] {true, false}) {
            List<Evaluation.Outcome> group = new ArrayList<>();
            for (Evaluation.Outcome o : res) {
                boolean music = o.c().trackId() != null;
                if (music == inLibrary && o.stages().ms(Stages.Stage.FINGERPRINT) > 0) {
                    group.add(o);
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder(inLibrary ? "stages, in library (p50/mean ms):"
                    : "stages, to reject with a soundtrack (p50/mean ms):");
            for (Stages.Stage st : Stages.Stage.values()) {
                List<Double> v = new ArrayList<>();
                for (Evaluation.Outcome o : group) {
                    v.add(o.stages().ms(st));
                }
                double p50 = v.isEmpty() ? Double.NaN : Stats.median(v);
                double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                String k = st.name().toLowerCase(Locale.ROOT);
                m.put(k, List.of(round(p50, 1), round(mean, 1)));
                line.append(String.format(Locale.ROOT, " %s %.1f/%.1f", k, p50, mean));
            }
            m.put("videos", group.size());
            out.put(inLibrary ? "in_library" : "to_reject", m);
            log.accept(line.toString());
        }
        return out;
    }

    /**
     * What a generated library in the work folder was made from: the real library's index (rebuilt by every run,
     * so a change of the recordings or of the fingerprints changes it) and the copies' descriptions. A later run
     * with {@code --work} reuses the generated library only when this matches.
     */
    private static String generatedKey(Path indexFile, Evaluation.Distractors d) {
        StringBuilder copies = new StringBuilder();
        for (int i = 0; i < d.size(); i++) {
            copies.append(d.describe(i)).append('\n');
        }
        return Digests.sha256(indexFile) + " " + Digests.sha256(copies.toString()) + " " + d.size() + "\n";
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

    /** How the verified excerpts were decoded: from a seek placed by the tracks' marks, or from the start. */
    private static Map<String, Object> excerpts(MusicLibrary.TrackAudio a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from_seek", a.seeks());
        m.put("from_start", a.decodesFromStart());
        return m;
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

    private void print(String title, List<Evaluation.Summary> rows) {
        log.accept("");
        log.accept(title);
        log.accept(String.format(Locale.ROOT, "%-40s %6s %7s %5s %6s %3s %13s %13s %13s %11s %7s", "condition",
                "videos", "correct", "wrong", "missed", "FA", "offset ms", "start ms", "start* ms", "end s", "lat ms"));
        log.accept(String.format(Locale.ROOT, "%-40s %6s %7s %5s %6s %3s %13s %13s %13s %11s %7s", "", "", "", "", "",
                "", "p50/p90", "p50/p90", "p50/p90", "p50/p90", "p50"));
        for (Evaluation.Summary s : rows) {
            log.accept(String.format(Locale.ROOT, "%-40s %6d %7d %5d %6d %3d %6.1f/%-6.1f %6.0f/%-6.0f %6.0f/%-6.0f"
                    + " %5.2f/%-5.2f %7.0f", s.name(), s.videos(), s.correct(), s.wrong(), s.missed(), s.falseAccepts(),
                    s.offsetMsP50(), s.offsetMsP90(), s.startMsP50(), s.startMsP90(), s.startNoFadeMsP50(),
                    s.startNoFadeMsP90(), s.endSP50(), s.endSP90(), s.latencyMsP50()));
        }
        log.accept("(start*: videos without a fade-in; errors of the correct tracks; FA: false accepts)");
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String threads(int n) {
        return n == 1 ? "1 thread" : n + " threads";
    }
}
