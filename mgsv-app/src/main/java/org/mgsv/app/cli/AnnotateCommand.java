package org.mgsv.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.mgsv.annotate.Annotator;
import org.mgsv.annotate.FingerprintIndex;
import org.mgsv.annotate.Matcher;
import org.mgsv.annotate.MusicLibrary;
import org.mgsv.annotate.Splits;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.search.catalog.FileCatalogStore;
import org.mgsv.search.catalog.TrackInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv annotate}: your videos + your music library → an MGSV-EC-style annotation CSV. */
@Command(
        name = "annotate",
        mixinStandardHelpOptions = true,
        description = {
            "Build an MGSV-EC-style dataset from your own videos: find each video's background music in your "
            + "library and the moment used.",
            "",
            "The library is fingerprinted (spectral-peak landmarks) into <out>/fingerprints.mfp (or --index); a "
                    + "later run adds only new tracks. Each video's soundtrack votes for (track, offset); the best "
                    + "candidates are checked on the aligned spectra and waveforms (a track is heard where its "
                    + "waveform correlates with the soundtrack's, however loud the speech over it), the offset "
                    + "refined below 10 ms, and the span "
                    + "where the track is heard found (fades, video starting before the music, music cut early).",
            "Writes <out>/annotations.csv (the 16 MGSV-EC columns + confidence) and <out>/rejects.csv "
                    + "(video_id,reason: no audio, no match in the library, ambiguous, unreadable); with --split "
                    + "also <out>/<split>_data.csv (no video in two splits; val and test one video per track). "
                    + "Ids are file names without the extension, as 'mgsv extract' uses.",
            "Videos are annotated --threads at a time; with fewer videos than threads, each video's matching is "
                    + "shared among the spare threads (the same results, sooner).",
            "Exit code: 0 = every input read, 2 = some files could not be read (listed, skipped), 1 = bad arguments.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mgsv annotate --videos my-videos/ --music my-music/ --out my-dataset",
            "  mgsv annotate --videos v/ --music my-catalog/ --out ds --split train=0.8,val=0.1,test=0.1",
            "  mgsv annotate --engine spark --master 'local[4]' --videos hdfs://nn/videos --music my-music/ --out ds",
            "  mgsv extract --videos v/ --music my-music/ --out ds && mgsv train ds --epochs 10"
        })
public final class AnnotateCommand implements Callable<Integer> {
    @Option(names = "--videos", required = true, paramLabel = "<dir|file>", description = "Videos to annotate.")
    Path videos;

    @Option(names = "--music", required = true, paramLabel = "<dir|catalog>",
            description = "The music library: a folder (or file) of tracks, or a catalog made by 'mgsv index'.")
    Path music;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Output folder.")
    Path out;

    @Option(names = "--index", paramLabel = "<file>",
            description = "Fingerprint index to use and extend (default: <out>/fingerprints.mfp).")
    Path index;

    @Option(names = "--split", paramLabel = "train=<f>,val=<f>,test=<f>",
            description = "Also write <split>_data.csv files with these fractions of the videos.")
    String split;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin ThreadsOption threads;

    @Option(names = "--min-votes", defaultValue = "5", paramLabel = "<n>",
            description = "Landmark votes a candidate track needs (default ${DEFAULT-VALUE}).")
    int minVotes;

    @Option(names = "--min-contrast", defaultValue = "0.15", paramLabel = "<x>",
            description = "Spectral agreement above chance the best candidate needs, 0..1 (default ${DEFAULT-VALUE}).")
    double minContrast;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "local|spark",
            description = "local (this process, default) or spark (a Spark job: embedded local[*], or --master; "
                    + "--videos may then be hdfs:// s3a:// URIs or *.list files). The fingerprint index is always "
                    + "written here, by this process; Spark executors only query it.")
    String engine;

    @Option(names = "--master", paramLabel = "<url>", description = "Spark master with --engine spark: local[2], "
            + "spark://host:7077, k8s://..., yarn (default: spark-submit's, else local[*]).")
    String master;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!engine.equals("local") && !engine.equals("spark")) {
            throw new MgsvException("--engine: '" + engine + "' is not local or spark");
        }
        if (master != null && !engine.equals("spark")) {
            throw new MgsvException("--master needs --engine spark");
        }
        DistributedEngine spark = engine.equals("spark") ? DistributedEngine.load("spark") : null;
        int n = threads.count();
        Splits.Ratios ratios = split == null ? null : Splits.Ratios.parse(split);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MgsvException("--out " + out + " exists and is not a directory");
        }
        List<Path> videoFiles = spark != null ? List.of()
                : MediaFiles.list(videos, MediaFiles.VIDEO_EXTENSIONS).reportTo(System.err);
        List<Path> tracks = musicFiles(music);
        Path indexFile = index != null ? index : out.resolve("fingerprints.mfp");
        AtomicInteger failed = new AtomicInteger();
        MusicLibrary.Update up;
        try (ConsoleProgress bar = new ConsoleProgress("fingerprint", tracks.size())) {
            bar.suffix(() -> failed.get() == 0 ? "" : failed.get() + " failed");
            up = MusicLibrary.update(indexFile, tracks, n, bar::step, f -> {
                failed.incrementAndGet();
                System.err.println();
                System.err.println("failed: " + f.file() + ": " + f.reason());
            });
        }
        FingerprintIndex idx = up.index();
        System.out.printf(Locale.ROOT, "library: %d track(s) in %s (%d added, %d already there, %d failed)%n", idx.size(),
                indexFile, up.added(), up.present(), up.failures().size());
        if (idx.size() == 0) {
            throw new MgsvException("no track of " + music + " could be fingerprinted");
        }
        if (spark != null) {
            int code = spark.annotate(master, new DistributedEngine.AnnotateJob(
                    List.copyOf(spec.findOption("--videos").originalStringValues()), indexFile.toString(),
                    out.toString(), minVotes, minContrast, split, seed));
            System.out.println("annotations: " + out.resolve(Annotator.ANNOTATIONS) + ", rejects: "
                    + out.resolve(Annotator.REJECTS));
            return code != 0 || !up.failures().isEmpty() ? 2 : 0;
        }
        // fewer videos than threads: the spare threads share each video's matching (same results, sooner)
        int queryThreads = Math.max(1, n / Math.max(1, Math.min(n, videoFiles.size())));
        Annotator an = new Annotator(idx, new Matcher.Config(minVotes, Matcher.Config.DEFAULT.candidates(), minContrast),
                queryThreads);
        AtomicInteger bad = new AtomicInteger();
        Annotator.Report report;
        try (ConsoleProgress bar = new ConsoleProgress("annotate", videoFiles.size())) {
            bar.suffix(() -> bad.get() == 0 ? "" : bad.get() + " unreadable");
            report = an.run(videoFiles, n, bar::step, r -> {
                bad.incrementAndGet();
                System.err.println();
                System.err.println("failed: " + r.file() + ": " + r.reason());
            });
        }
        Annotator.write(out, report, ratios, seed);
        System.out.printf(Locale.ROOT, "annotated %d of %d video(s) into %s%n", report.rows().size(), videoFiles.size(),
                out.resolve(Annotator.ANNOTATIONS));
        if (!report.rejects().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Integer> e : Annotator.rejectKinds(report.rejects()).entrySet()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
            }
            System.out.println("rejected " + report.rejects().size() + " (" + sb + "): see "
                    + out.resolve(Annotator.REJECTS));
        }
        if (videoFiles.isEmpty()) {
            System.out.println("note: no video files found in " + videos);
        }
        return report.failed() > 0 || !up.failures().isEmpty() ? 2 : 0;
    }

    /** Track files of a folder (or one file), or the source files of a catalog made by 'mgsv index'. */
    static List<Path> musicFiles(Path music) {
        if (Files.isRegularFile(music.resolve("manifest.json"))) {
            List<Path> out = new ArrayList<>();
            try (FileCatalogStore cat = FileCatalogStore.open(music)) {
                for (String id : cat.ids()) {
                    TrackInfo t = cat.info(id).orElseThrow();
                    if (t.sourcePath() == null || t.sourcePath().isBlank()) {
                        throw new MgsvException(music + ": track " + id + " has no source path in the catalog");
                    }
                    out.add(Path.of(t.sourcePath()));
                }
            }
            return out;
        }
        return MediaFiles.list(music, MediaFiles.AUDIO_EXTENSIONS).reportTo(System.err);
    }
}
