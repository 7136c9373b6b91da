package org.mgsv.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Json;
import org.mgsv.model.MatmulPrecision;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.GroundingResult;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MediaRenderer;
import org.mgsv.search.MomentRenderer;
import org.mgsv.search.Searcher;
import org.mgsv.search.catalog.FileCatalogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv ground}: best tracks and moments of a catalog for one video. */
@Command(
        name = "ground",
        mixinStandardHelpOptions = true,
        description = {
            "Find the catalog tracks and moments that best fit a video.",
            "",
            "Two stages: the K tracks whose pooled embedding h0 is closest to the video's h(v) (cosine), then the full MaDe score (dual + X-Pool single) on those K and moment detection on the best --top. Each moment is printed as the model predicted it (raw) and as a span of exactly the video's length (centred on the raw span, inside the track; on the nearest downbeat with --snap beats). --render writes the video with the best moment as its soundtrack."
        },
        footer = {
            "",
            "Examples:",
            "  mgsv ground --model quickstart-out/model --catalog my-catalog --video clip.mp4",
            "  mgsv ground --model m --catalog c --video clip.mp4 --top 10 --json > results.json",
            "  mgsv ground --model m --catalog c --video clip.mp4 --snap beats --render out.mp4 --original-audio duck"
        })
public final class GroundCommand extends ModelCommand {
    @Option(names = "--model", required = true, paramLabel = "<model-dir>", description = "MaDe model directory")
    Path model;

    @Option(names = "--catalog", required = true, paramLabel = "<catalog>", description = "catalog built by 'mgsv index'")
    Path catalog;

    @Option(names = "--video", required = true, paramLabel = "<file>", description = "the video (any common container)")
    Path video;

    @Option(names = "--top", defaultValue = "5", paramLabel = "<n>", description = "results to print (default 5)")
    int top;

    @Option(names = {"-K", "--shortlist-size"}, defaultValue = "" + Searcher.DEFAULT_SHORTLIST, paramLabel = "<K>",
            description = "tracks rescored with the full MaDe score (default ${DEFAULT-VALUE})")
    int shortlistSize;

    @Option(names = "--shortlist", defaultValue = "exact", paramLabel = "exact|int8|hnsw",
            description = "stage-1 index: exact float scan (default), int8 scan + exact re-rank, or HNSW graph")
    AppOptions.Shortlist shortlist;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--snap", defaultValue = "none", paramLabel = "none|beats", description = "snap moments to the nearest downbeat/beat")
    String snap;

    @Option(names = "--render", paramLabel = "<out.mp4>", description = "write the video with the best moment as soundtrack")
    Path render;

    @Option(names = "--original-audio", defaultValue = "drop", paramLabel = "drop|duck",
            description = "with --render: drop the video's own sound or duck it under the music (default drop)")
    String originalAudio;

    @Option(names = "--force", description = "ground although the catalog was built by another model, or the model "
            + "was trained on other features than the encoder's")
    boolean force;

    @Mixin AppOptions opts;

    @Override
    MatmulPrecision.Scope precisionScope() {
        return precision.modelAndEncoders(opts);
    }

    @Override
    Integer run() throws Exception {
        if (!Files.isRegularFile(video)) {
            throw new MgsvException("--video " + video + ": no such file");
        }
        if (!snap.equals("none") && !snap.equals("beats")) {
            throw new MgsvException("--snap must be 'none' or 'beats', got '" + snap + "'");
        }
        MomentRenderer.OriginalAudio oa = switch (originalAudio.toLowerCase(Locale.ROOT)) {
            case "drop" -> MomentRenderer.OriginalAudio.DROP;
            case "duck" -> MomentRenderer.OriginalAudio.DUCK;
            default -> throw new MgsvException("--original-audio must be 'drop' or 'duck', got '" + originalAudio + "'");
        };
        if (top < 1) {
            throw new MgsvException("--top must be at least 1");
        }
        java.io.PrintWriter err = new java.io.PrintWriter(
                new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        ModelChecks.requireEncoderMatches(model, opts, force, err);
        ModelChecks.requireCatalogModel(catalog, model, force, err);
        try (GroundingModel m = AppOptions.loadModel(model, opts.threads());
                FileCatalogStore store = FileCatalogStore.open(catalog);
                GroundingService svc = new GroundingService(store, m, opts.pipeline(m, true, false), new MediaRenderer(),
                        AppOptions.kind(shortlist), opts.threads())) {
            if (store.size() == 0) {
                throw new MgsvException(catalog + ": the catalog is empty; add tracks with 'mgsv index'");
            }
            GroundingService.Report r = svc.ground(video, new Searcher.Options(top, shortlistSize, snap.equals("beats")));
            if (render != null && !r.results().isEmpty()) {
                GroundingResult best = r.results().get(0);
                svc.render(video, best.trackId(), best.moment().start(), best.moment().end(), oa, render);
            }
            if (json) {
                Map<String, Object> out = new java.util.LinkedHashMap<>();
                out.put("video", r.video());
                out.put("videoDuration", r.videoDuration());
                out.put("model", r.model());
                out.put("catalogSize", r.catalogSize());
                out.put("shortlist", r.shortlist() + ", K=" + shortlistSize);
                out.put("seconds", r.seconds());
                out.put("results", r.results());
                if (render != null) {
                    out.put("rendered", render.toString());
                }
                System.out.println(Json.pretty(out));
            } else {
                printTable(r);
                if (render != null) {
                    System.out.println("rendered " + render);
                }
            }
            return 0;
        }
    }

    private void printTable(GroundingService.Report r) {
        System.out.printf(Locale.ROOT, "%s (%.1f s) against %d tracks in %.2f s [%s, K=%d]%n", r.video(), r.videoDuration(),
                r.catalogSize(), r.seconds(), r.shortlist(), shortlistSize);
        System.out.printf(Locale.ROOT, "%4s  %-28s %7s %7s %7s  %-17s %-17s %s%n", "rank", "track", "score", "dual",
                "single", "moment", "raw", "conf");
        for (GroundingResult g : r.results()) {
            String name = g.title().isEmpty() ? g.trackId() : g.title();
            if (name.length() > 28) {
                name = name.substring(0, 27) + "…";
            }
            System.out.printf(Locale.ROOT, "%4d  %-28s %7.4f %7.4f %7.4f  %-17s %-17s %.3f%s%n", g.rank(), name,
                    g.score(), g.dualScore(), g.singleScore(), span(g.moment().start(), g.moment().end()),
                    span(g.raw().start(), g.raw().end()), g.momentScore(), g.snapped() ? "  (on beat)" : "");
        }
    }

    private static String span(double a, double b) {
        return String.format(Locale.ROOT, "%.2f-%.2f", a, b);
    }
}
