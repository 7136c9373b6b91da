package org.mgsv.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mgsv.bench.MatmulPeak;
import org.mgsv.bench.search.SearchBench;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.Json;
import org.mgsv.model.MadeConfig;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MadeGroundingModel;
import org.mgsv.search.Searcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv bench search}: query latency and shortlist recall on synthetic catalogs. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Search latency and shortlist recall on synthetic catalogs.",
            "",
            "Search latency with the video's features given (video tower + stage-1 shortlist + MaDe rescoring of K tracks + moment detection on the top results) on synthetic catalogs, and the shortlist's recall of the exhaustive MaDe ranking's top-1 (dual + single over every track) as a function of K.",
            "",
            "Catalogs: up to 100k tracks are written as real file catalogs (memory-mapped); larger ones are generated procedurally (tokens rebuilt per read) and use the int8 shortlist. Queries are clip vectors near a random track (cosine ~0.6), as a matching video would give. Without --model the network runs at its initialisation (real cost, meaningless scores)."
        },
        footer = {
            "",
            "Examples:",
            "  mgsv bench search                                   # 4,000 and 1,000,000 tracks",
            "  mgsv bench search --tracks 4000 --queries 200 --json bench-search.json",
            "  MGSV_THREADS=2 mgsv bench search --model quickstart-out/model"
        })
public final class BenchSearchCommand extends ModelCommand {
    @Option(names = "--tracks", split = ",", defaultValue = "4000,1000000", paramLabel = "<n,...>", description = "catalog sizes (default 4000,1000000)")
    List<Integer> tracks;

    @Option(names = "--queries", defaultValue = "100", paramLabel = "<n>", description = "timed queries per catalog (default 100)")
    int queries;

    @Option(names = "--warmup", defaultValue = "20", paramLabel = "<n>", description = "untimed warm-up queries (default 20)")
    int warmup;

    @Option(names = {"-K", "--shortlist-size"}, defaultValue = "" + Searcher.DEFAULT_SHORTLIST, paramLabel = "<K>", description = "shortlist size (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--top", defaultValue = "5", paramLabel = "<n>", description = "results with moment detection (default 5)")
    int top;

    @Option(names = "--recall-queries", defaultValue = "200", paramLabel = "<n>", description = "queries for the recall measurement on the first catalog (0 = skip)")
    int recallQueries;

    @Option(names = "--model", paramLabel = "<model-dir>", description = "MaDe model (default: the reference network at its initialisation)")
    Path model;

    @Mixin ThreadsOption threads;

    @Option(names = "--query-noise", defaultValue = "1.3", paramLabel = "<x>",
            description = "noise added to a track's h0 to make a query, in units of 1/sqrt(d) per dimension: 1.3 gives "
                    + "cosine ~0.6 to that track (default), 3 gives ~0.3 (harder: the MaDe top-1 is more often another track)")
    double queryNoise;

    @Option(names = "--features", paramLabel = "<root>",
            description = "also measure recall on real feature files (published layout: vit_feature1/, ast_feature2p5/): "
                    + "catalog = every music, queries = videos; the meaningful check for a trained --model")
    Path features;

    @Option(names = "--feature-queries", defaultValue = "1000", paramLabel = "<n>", description = "videos used with --features (default 1000)")
    int featureQueries;

    @Option(names = "--hnsw", description = "also measure the HNSW shortlist (latency and recall) on the first catalog")
    boolean hnsw;

    @Option(names = "--json", paramLabel = "<file>", description = "also write the figures as JSON")
    Path json;

    @Option(names = "--work", paramLabel = "<dir>", description = "where file catalogs are written (default: a temporary directory, deleted after)")
    Path work;

    @Mixin PeakOption peak;

    @Override
    Integer run() throws Exception {
        int th = threads.count();
        Map<String, Object> report;
        Path workDir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("mgsv-bench-");
        try (GroundingModel m = model != null ? AppOptions.loadModel(model, th) : initialised(th)) {
            Map<String, Object> machine = SearchBench.machine(th);
            MatmulPeak.Peak peakRate = m instanceof MadeGroundingModel ? peak.get(th) : null;
            SearchBench.Config cfg = new SearchBench.Config(queries, warmup, k, top, recallQueries, queryNoise,
                    featureQueries);
            report = new SearchBench(m, cfg, th, peakRate, System.out::println).run(machine, tracks, workDir, hnsw,
                    features);
        } finally {
            if (work == null) {
                AtomicFiles.deleteRecursively(workDir);
            }
        }
        report.put("loadAverageAtEnd", SearchBench.loadAverage());
        String out = Json.pretty(report);
        System.out.println(out);
        if (json != null) {
            AtomicFiles.writeString(json, out + "\n");
        }
        return 0;
    }

    private static GroundingModel initialised(int threads) {
        MadeGroundingModel.prepareSearchProcess();
        return MadeGroundingModel.initialised(MadeConfig.reference(), 42, threads);
    }
}
