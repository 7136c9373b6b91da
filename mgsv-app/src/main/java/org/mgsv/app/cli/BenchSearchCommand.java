package org.mgsv.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.FileCatalogStore;
import org.mgsv.search.catalog.TrackRecord;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MadeGroundingModel;
import org.mgsv.search.Searcher;
import org.mgsv.search.SyntheticCatalog;
import org.mgsv.search.VecMath;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.model.MadeConfig;
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
public final class BenchSearchCommand implements Callable<Integer> {
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

    @picocli.CommandLine.Mixin PeakOption peak;

    private org.mgsv.app.bench.MatmulPeak.Peak peakRate;

    private int threads() {
        return threads.count();
    }

    private static GroundingModel initialised(int threads) {
        MadeGroundingModel.prepareSearchProcess();
        return MadeGroundingModel.initialised(MadeConfig.reference(), 42, threads);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static Map<String, Object> machine(int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        String cpu = "unknown";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        m.put("cpu", cpu);
        m.putAll(org.mgsv.core.util.CpuFeatures.current().describe());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threads", threads);
        m.put("libtorchThreadsPerOp", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        m.put("jvm", BenchInfo.jvm());
        m.put("maxHeapMB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    @picocli.CommandLine.Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
        try (org.mgsv.model.MatmulPrecision.Scope p = precision.model()) {
            return run();
        }
    }

    private Integer run() throws Exception {
        int th = threads();
        Map<String, Object> report = new LinkedHashMap<>();
        Path workDir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("mgsv-bench-");
        try (GroundingModel m = model != null ? AppOptions.loadModel(model, th)
                : initialised(th)) {
            report.put("machine", machine(th));
            peakRate = m instanceof MadeGroundingModel ? peak.get(th) : null;
            System.out.println("machine: " + report.get("machine") + ", load average " + loadAverage());
            report.put("loadAverageAtStart", loadAverage());
            report.put("model", m.name());
            report.put("K", k);
            report.put("queryNoise", queryNoise);
            report.put("top", top);
            System.out.println("model: " + m.name() + "; K=" + k + ", top=" + top);
            if (features != null) {
                report.put("recallOnFeatures", recallOnFeatures(m, th));
            }
            List<Map<String, Object>> cats = new ArrayList<>();
            report.put("catalogs", cats);
            boolean first = true;
            for (int n : tracks) {
                CatalogStore store;
                double buildStore;
                long t0 = System.nanoTime();
                if (n <= 100_000) {
                    store = writeFileCatalog(workDir.resolve("catalog-" + n), n, m);
                } else {
                    store = new SyntheticCatalog(n, m.dim(), m.segmentSlots(), 1);
                }
                buildStore = (System.nanoTime() - t0) / 1e9;
                Searcher.Kind kind = n <= 100_000 ? Searcher.Kind.EXACT : Searcher.Kind.EXACT_INT8;
                t0 = System.nanoTime();
                try (Searcher s = Searcher.build(store, m, kind, th, t -> null)) {
                    double buildIndex = (System.nanoTime() - t0) / 1e9;
                    Map<String, Object> c = latency(s, store, m, n);
                    c.put("catalog", n <= 100_000 ? "file (memory-mapped)" : "procedural");
                    c.put("catalogBuildSeconds", round(buildStore));
                    c.put("indexBuildSeconds", round(buildIndex));
                    c.put("indexMB", round(s.index().memoryBytes() / 1048576.0));
                    cats.add(c);
                    if (first && recallQueries > 0) {
                        report.put("recall", recall(s, store, m, n));
                        if (n <= 100_000) {
                            try (Searcher s8 = Searcher.build(store, m, Searcher.Kind.EXACT_INT8, th, t -> null)) {
                                report.put("recallInt8", recall(s8, store, m, n));
                            }
                        }
                    }
                    if (first && hnsw) {
                        long h0t = System.nanoTime();
                        try (Searcher sh = Searcher.build(store, m, Searcher.Kind.HNSW, th, t -> null)) {
                            double hb = (System.nanoTime() - h0t) / 1e9;
                            Map<String, Object> hc = latency(sh, store, m, n);
                            hc.put("indexBuildSeconds", round(hb));
                            hc.put("indexMB", round(sh.index().memoryBytes() / 1048576.0));
                            cats.add(hc);
                            if (recallQueries > 0) {
                                report.put("recallHnsw", recall(sh, store, m, n));
                            }
                        }
                    }
                    first = false;
                }
            }
        } finally {
            if (work == null) {
                AtomicFiles.deleteRecursively(workDir);
            }
        }
        report.put("loadAverageAtEnd", loadAverage());
        String out = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
        System.out.println(out);
        if (json != null) {
            AtomicFiles.writeString(json, out + "\n");
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Writes n procedural tracks into a real file catalog (as 'mgsv index' would) and opens it. */
    private CatalogStore writeFileCatalog(Path dir, int n, GroundingModel m) {
        SyntheticCatalog gen = new SyntheticCatalog(n, m.dim(), m.segmentSlots(), 1);
        FileCatalogStore store = FileCatalogStore.openOrCreate(dir, m.dim(), m.segmentSlots());
        if (store.size() == n) {
            return store;
        }
        try (ConsoleProgress bar = new ConsoleProgress("write catalog " + n, n)) {
            for (String id : gen.ids()) {
                store.add(gen.get(id).orElseThrow());
                if (store.size() % 2000 == 0) {
                    store.commit();
                }
                bar.step();
            }
        }
        store.commit();
        return FileCatalogStore.open(dir);
    }

    /** A clip vector near track j: cos ≈ 0.6. */
    private float[] queryNear(float[] h0, Random r) {
        float[] q = new float[h0.length];
        double sigma = queryNoise / Math.sqrt(h0.length);
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (h0[i] + sigma * r.nextGaussian());
        }
        return VecMath.normalize(q);
    }

    private Map<String, Object> latency(Searcher s, CatalogStore store, GroundingModel m, int n) {
        Random r = new Random(7);
        float[][] feats = new float[m.frameSlots()][m.frameFeatureDim()];
        float[] mask = new float[m.frameSlots()];
        int frames = 15;
        for (int i = 0; i < frames; i++) {
            mask[i] = 1;
            for (int j = 0; j < feats[i].length; j++) {
                feats[i][j] = (float) r.nextGaussian();
            }
        }
        List<String> ids = store.ids();
        double[] total = new double[queries];
        double[] encode = new double[queries];
        double[] shortlist = new double[queries];
        double[] rescore = new double[queries];
        double[] detect = new double[queries];
        double[] cpu = new double[queries];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Searcher.Options o = new Searcher.Options(top, k, false);
        try (ConsoleProgress bar = new ConsoleProgress("queries " + n, warmup + queries)) {
            for (int q = -warmup; q < queries; q++) {
                float[] h0 = store.get(ids.get(r.nextInt(n))).orElseThrow().h0();
                float[] hv = queryNear(h0, r);
                // the stages of Searcher.search, timed one by one
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                GroundingModel.EncodedVideo v = m.encodeVideo(feats, mask);
                GroundingModel.EncodedVideo vq = new GroundingModel.EncodedVideo(v.tokens(), v.mask(), hv);
                long t1 = System.nanoTime();
                s.index().search(hv, k);
                long t2 = System.nanoTime();
                Searcher.Ranked ranked = s.rank(hv, k);
                long t3 = System.nanoTime();
                m.detectMoments(vq, ranked.tracks().subList(0, Math.min(top, ranked.tracks().size())));
                long t4 = System.nanoTime();
                long c1 = os.getProcessCpuTime();
                if (q >= 0) {
                    // CPU time of the whole process (all threads) for the query, minus the extra shortlist run
                    cpu[q] = Math.max(0, (c1 - c0) / 1e6 - (t2 - t1) / 1e6);
                    encode[q] = (t1 - t0) / 1e6;
                    shortlist[q] = (t2 - t1) / 1e6;
                    rescore[q] = (t3 - t2) / 1e6; // shortlist again + fetch K tracks + X-Pool single scores
                    detect[q] = (t4 - t3) / 1e6;
                    total[q] = encode[q] + rescore[q] + detect[q];
                }
                bar.step();
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tracks", n);
        c.put("shortlist", s.index().name());
        c.put("queries", queries);
        c.put("p50Ms", round(pct(total, 50)));
        c.put("p95Ms", round(pct(total, 95)));
        c.put("meanMs", round(Arrays.stream(total).average().orElse(0)));
        // independent of other load on the machine: on an idle machine a query takes between cpu/threads and cpu
        c.put("cpuMsPerQueryP50", round(pct(cpu, 50)));
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("videoTowerP50Ms", round(pct(encode, 50)));
        st.put("shortlistP50Ms", round(pct(shortlist, 50)));
        st.put("shortlistP95Ms", round(pct(shortlist, 95)));
        st.put("shortlistFetchRescoreP50Ms", round(pct(rescore, 50)));
        st.put("detectTopP50Ms", round(pct(detect, 50)));
        c.put("stages", st);
        if (peakRate != null && m instanceof MadeGroundingModel mg) {
            PeakOption.report(String.format(Locale.ROOT, "%,d tracks, p50 query (matmuls of the video tower, the dual scan,"
                    + " X-Pool of K tracks and detection of the top %d, at full slot lengths)", n, top), peakRate,
                    org.mgsv.model.MadeFlops.searchQuery(mg.config(), n, k, top), pct(total, 50) / 1000, c);
        }
        System.out.printf(Locale.ROOT, "%,d tracks [%s]: CPU time per query p50 %.1f ms%n", n, s.index().name(), pct(cpu, 50));
        System.out.printf(Locale.ROOT, "%,d tracks [%s]: query p50 %.1f ms, p95 %.1f ms; stage p50: video tower %.1f, "
                + "shortlist %.1f, shortlist+fetch+rescore %.1f, detection %.1f ms%n", n, s.index().name(), pct(total, 50),
                pct(total, 95), pct(encode, 50), pct(shortlist, 50), pct(rescore, 50), pct(detect, 50));
        return c;
    }

    /** Recall of the exhaustive top-1 on a feature dataset: every music is a catalog track, videos are queries. */
    private Map<String, Object> recallOnFeatures(GroundingModel m, int th) {
        try (org.mgsv.core.features.DirectoryFeatureStore fs = new org.mgsv.core.features.DirectoryFeatureStore(features)) {
            org.mgsv.search.catalog.InMemoryCatalogStore store = new org.mgsv.search.catalog.InMemoryCatalogStore(m.dim(),
                    m.segmentSlots());
            List<String> musics = new ArrayList<>(fs.musicIds());
            try (ConsoleProgress bar = new ConsoleProgress("music tower", musics.size())) {
                for (String id : musics) {
                    org.mgsv.core.features.MusicFeatures f = fs.music(id);
                    GroundingModel.EncodedMusic e = m.encodeMusic(rows(f.feats()), f.mask().toArray());
                    store.add(TrackRecord.builder(org.mgsv.core.data.MediaFiles.idFromName(id)).title(id)
                            .durationSeconds(240).vectors(e.tokens(), e.mask(), e.h0()).build());
                    bar.step();
                }
            }
            List<String> videos = new ArrayList<>(fs.videoIds());
            java.util.Collections.shuffle(videos, new Random(5));
            videos = videos.subList(0, Math.min(featureQueries, videos.size()));
            int[] ks = {1, 2, 5, 10, 25, 50, 100};
            int[] hit = new int[ks.length];
            int same = 0;
            List<TrackRecord> all = tracks(store);
            try (Searcher s = Searcher.build(store, m, Searcher.Kind.EXACT, th, t -> null);
                    ConsoleProgress bar = new ConsoleProgress("recall (features)", videos.size())) {
                for (String vid : videos) {
                    org.mgsv.core.features.VideoFeatures vf = fs.video(vid);
                    float[] hv = m.encodeVideo(rows(vf.feats()), vf.mask().toArray()).hv();
                    if (recallQuery(s, m, all, hv, all.size(), ks, hit)) {
                        same++;
                    }
                    bar.step();
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("features", features.toString());
            out.put("tracks", all.size());
            out.put("queries", videos.size());
            Map<String, Object> curve = curve(ks, hit, videos.size());
            out.put("recallOfExhaustiveTop1Percent", curve);
            out.put("twoStageTop1EqualsExhaustivePercentAtK" + k, round(100.0 * same / videos.size()));
            System.out.printf(Locale.ROOT, "recall of the exhaustive top-1 on features (%d tracks, %d videos): %s; "
                    + "two-stage top-1 = exhaustive top-1 in %.1f%% at K=%d%n", all.size(), videos.size(), curve,
                    100.0 * same / videos.size(), k);
            return out;
        }
    }

    private static float[][] rows(org.mgsv.core.tensor.Tensor t) {
        int n = t.dim(0);
        int c = t.dim(1);
        float[][] out = new float[n][c];
        float[] flat = t.toArray();
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }

    static double pct(double[] x, double p) {
        return org.mgsv.core.util.Stats.percentile(x, p);
    }

    /**
     * For each query: the exhaustive MaDe top-1 (dual + single over all tracks) and its rank in the shortlist's
     * order; recall@K = share of queries whose exhaustive top-1 is among the shortlist's first K.
     */
    private Map<String, Object> recall(Searcher s, CatalogStore store, GroundingModel m, int n) {
        Random r = new Random(11);
        int[] ks = {10, 25, 50, 100, 200, 400};
        int maxK = Math.min(n, Arrays.stream(ks).max().getAsInt());
        int[] hit = new int[ks.length];
        int sameTop1AtDefault = 0;
        List<TrackRecord> all = tracks(store);
        try (ConsoleProgress bar = new ConsoleProgress("recall " + n, recallQueries)) {
            for (int q = 0; q < recallQueries; q++) {
                float[] hv = queryNear(all.get(r.nextInt(n)).h0(), r);
                if (recallQuery(s, m, all, hv, maxK, ks, hit)) {
                    sameTop1AtDefault++;
                }
                bar.step();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tracks", n);
        out.put("shortlist", s.index().name());
        out.put("queries", recallQueries);
        Map<String, Object> curve = curve(ks, hit, recallQueries);
        out.put("recallOfExhaustiveTop1Percent", curve);
        out.put("twoStageTop1EqualsExhaustivePercentAtK" + k, round(100.0 * sameTop1AtDefault / recallQueries));
        System.out.printf(Locale.ROOT, "recall of the exhaustive top-1 on %,d tracks [%s]: %s; two-stage top-1 = exhaustive top-1 in %.1f%% at K=%d%n",
                n, s.index().name(), curve, 100.0 * sameTop1AtDefault / recallQueries, k);
        return out;
    }

    /** Every track of the store, in its row order. */
    private static List<TrackRecord> tracks(CatalogStore store) {
        List<TrackRecord> all = new ArrayList<>(store.size());
        for (String id : store.ids()) {
            all.add(store.get(id).orElseThrow());
        }
        return all;
    }

    /**
     * One recall query: finds the exhaustive MaDe top-1 (dual + single over {@code all}, the store's rows in order),
     * counts {@code hit[j]} up when it is among the shortlist's first {@code ks[j]} (of {@code searchK} searched);
     * true when the two-stage search at K puts it first too.
     */
    private boolean recallQuery(Searcher s, GroundingModel m, List<TrackRecord> all, float[] hv, int searchK, int[] ks,
            int[] hit) {
        float[] single = m.scoreSingle(hv, all);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < all.size(); i++) {
            double sc = (m.usesDual() ? VecMath.dot(hv, all.get(i).h0()) : 0) + single[i];
            if (sc > bestScore) {
                bestScore = sc;
                best = i;
            }
        }
        org.mgsv.search.ShortlistIndex.Hits h = s.index().search(hv, searchK);
        int rank = Integer.MAX_VALUE;
        for (int i = 0; i < h.size(); i++) {
            if (h.rows()[i] == best) {
                rank = i;
                break;
            }
        }
        for (int j = 0; j < ks.length; j++) {
            if (rank < ks[j]) {
                hit[j]++;
            }
        }
        Searcher.Ranked two = s.rank(hv, k);
        return !two.tracks().isEmpty() && two.tracks().get(0).id().equals(all.get(best).id());
    }

    /** Recall in percent of the queries for each K: "K=10" → 93.5. */
    private static Map<String, Object> curve(int[] ks, int[] hit, int queries) {
        Map<String, Object> curve = new LinkedHashMap<>();
        for (int j = 0; j < ks.length; j++) {
            curve.put("K=" + ks[j], round(100.0 * hit[j] / queries));
        }
        return curve;
    }
}
