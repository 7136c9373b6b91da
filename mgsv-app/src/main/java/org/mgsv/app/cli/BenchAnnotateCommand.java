package org.mgsv.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.annotate.Matcher;
import org.mgsv.annotate.SyntheticQueries;
import org.mgsv.app.server.DemoMusic;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.annotate.AnnotateBench;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.Json;
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

    @Option(names = "--candidates", paramLabel = "<n>",
            description = "candidate tracks verified per video at most: the first 3 at once, the others only "
                    + "when none of those is accepted (default: the annotator's, ${DEFAULT-VALUE})")
    int candidates = Matcher.Config.DEFAULT.candidates();

    @Option(names = "--common-hash", paramLabel = "<x>", description = "skip query hashes whose bucket holds more "
            + "than x times the mean bucket (0 = none skipped; default: the annotator's, ${DEFAULT-VALUE})")
    double commonHash = Matcher.Config.DEFAULT.commonHash();

    @Option(names = "--query-threads", paramLabel = "<n>", defaultValue = "1", description = "threads each video is "
            + "matched on (its frame grids, analyses and candidates shared among them; the videos go one at a time, "
            + "so this is the latency of one video with n cores; default ${DEFAULT-VALUE})")
    int queryThreads;

    @Option(names = "--json", paramLabel = "<file>", description = "also write the figures as JSON")
    Path json;

    @Option(names = "--work", paramLabel = "<dir>", description = "scratch folder, kept; a later run with the same folder reuses its generated library when the recordings, fingerprints and copies are the same (default: temporary, deleted after)")
    Path work;

    @Override
    public Integer call() throws Exception {
        if (candidates < 1) {
            throw new MgsvException("--candidates must be at least 1, got " + candidates);
        }
        if (queryThreads < 1) {
            throw new MgsvException("--query-threads must be at least 1, got " + queryThreads);
        }
        if (!SyntheticQueries.toolsAvailable()) {
            throw new MgsvException("bench annotate needs the ffmpeg and espeak-ng commands on PATH");
        }
        List<Path> tracks = music != null ? MediaFiles.list(music, MediaFiles.AUDIO_EXTENSIONS).reportTo(System.err)
                : DemoMusic.wesnothTracks(1000);
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
            Matcher.Config d = Matcher.Config.DEFAULT;
            AnnotateBench.Config cfg = new AnnotateBench.Config(perCondition, heldOut, minMoment, maxMoment, library,
                    seed, new Matcher.Config(d.minVotes(), candidates, d.minContrast(), commonHash), queryThreads);
            new AnnotateBench(cfg, System.out::println, System.err::println).run(tracks, dir, report);
            if (json != null) {
                Json.write(json, report);
            }
            return 0;
        } finally {
            if (work == null) {
                AtomicFiles.deleteRecursively(dir);
            }
        }
    }
}
