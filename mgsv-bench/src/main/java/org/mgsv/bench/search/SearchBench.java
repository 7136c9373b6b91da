package org.mgsv.bench.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.mgsv.bench.BenchInfo;
import org.mgsv.bench.MatmulPeak;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.features.DirectoryFeatureStore;
import org.mgsv.core.features.MusicFeatures;
import org.mgsv.core.features.VideoFeatures;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Stats;
import org.mgsv.model.MadeFlops;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MadeGroundingModel;
import org.mgsv.search.Searcher;
import org.mgsv.search.ShortlistIndex;
import org.mgsv.search.SyntheticCatalog;
import org.mgsv.search.VecMath;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.FileCatalogStore;
import org.mgsv.search.catalog.InMemoryCatalogStore;
import org.mgsv.search.catalog.TrackRecord;

/**
 * Query latency and shortlist recall on synthetic catalogs ({@code mgsv bench search}). Up to
 * {@link #FILE_CATALOG_LIMIT} tracks a catalog is written as a real file catalog (memory-mapped) and searched with
 * the exact shortlist; larger ones are procedural ({@link SyntheticCatalog}) with the int8 shortlist. Each query
 * times the stages of {@link Searcher#search} one by one (video tower, shortlist, shortlist + fetch + rescore,
 * moment detection of the top results); recall is the share of queries whose exhaustive MaDe top-1 (dual + single
 * over every track) is among the shortlist's first K. The lines a person reads go to {@code log}; {@link #run}
 * returns the figures for the JSON report.
 */
public final class SearchBench {
    /** Catalogs up to this size are written as file catalogs; larger ones are generated per read. */
    public static final int FILE_CATALOG_LIMIT = 100_000;

    /**
     * What to time: {@code queries} timed after {@code warmup} untimed, shortlist size {@code k}, moment detection
     * on the {@code top} results, {@code recallQueries} for the recall on the first catalog (0 = skip), query
     * noise in units of 1/sqrt(d) per dimension, and the videos used for recall on real features.
     */
    public record Config(int queries, int warmup, int k, int top, int recallQueries, double queryNoise,
            int featureQueries) {}

    private final GroundingModel m;
    private final Config cfg;
    private final int threads;
    private final MatmulPeak.Peak peak;
    private final Consumer<String> log;

    /**
     * @param peak the measured matmul peak each latency is compared with (null: not compared)
     * @param log  receives the lines a person reads
     */
    public SearchBench(GroundingModel m, Config cfg, int threads, MatmulPeak.Peak peak, Consumer<String> log) {
        this.m = m;
        this.cfg = cfg;
        this.threads = threads;
        this.peak = peak;
        this.log = log;
    }

    /** The whole load average line of /proc/loadavg, or "unknown". */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The machine section of the report. */
    public static Map<String, Object> machine(int threads) {
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
        m.putAll(CpuFeatures.current().describe());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threads", threads);
        m.put("libtorchThreadsPerOp", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        m.put("jvm", BenchInfo.jvm());
        m.put("maxHeapMB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    /**
     * Every measurement: recall on real features (when {@code features} is given), then per catalog size its
     * latency, on the first catalog also the recall (exact f32 and int8) and with {@code hnsw} the HNSW shortlist.
     * File catalogs are written under {@code workDir}.
     */
    public Map<String, Object> run(Map<String, Object> machine, List<Integer> tracks, Path workDir, boolean hnsw,
            Path features) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", machine);
        log.accept("machine: " + machine + ", load average " + loadAverage());
        report.put("loadAverageAtStart", loadAverage());
        report.put("model", m.name());
        report.put("K", cfg.k());
        report.put("queryNoise", cfg.queryNoise());
        report.put("top", cfg.top());
        log.accept("model: " + m.name() + "; K=" + cfg.k() + ", top=" + cfg.top());
        if (features != null) {
            report.put("recallOnFeatures", recallOnFeatures(features));
        }
        List<Map<String, Object>> cats = new ArrayList<>();
        report.put("catalogs", cats);
        boolean first = true;
        for (int n : tracks) {
            boolean file = n <= FILE_CATALOG_LIMIT;
            long t0 = System.nanoTime();
            CatalogStore store = file ? writeFileCatalog(workDir.resolve("catalog-" + n), n, m)
                    : new SyntheticCatalog(n, m.dim(), m.segmentSlots(), 1);
            double buildStore = (System.nanoTime() - t0) / 1e9;
            Searcher.Kind kind = file ? Searcher.Kind.EXACT : Searcher.Kind.EXACT_INT8;
            t0 = System.nanoTime();
            try (Searcher s = Searcher.build(store, m, kind, threads, t -> null)) {
                double buildIndex = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> c = latency(s, store, n);
                c.put("catalog", file ? "file (memory-mapped)" : "procedural");
                c.put("catalogBuildSeconds", round(buildStore));
                c.put("indexBuildSeconds", round(buildIndex));
                c.put("indexMB", round(s.index().memoryBytes() / 1048576.0));
                cats.add(c);
                if (first && cfg.recallQueries() > 0) {
                    report.put("recall", recall(s, store, n));
                    if (file) {
                        try (Searcher s8 = Searcher.build(store, m, Searcher.Kind.EXACT_INT8, threads, t -> null)) {
                            report.put("recallInt8", recall(s8, store, n));
                        }
                    }
                }
                if (first && hnsw) {
                    long h0t = System.nanoTime();
                    try (Searcher sh = Searcher.build(store, m, Searcher.Kind.HNSW, threads, t -> null)) {
                        double hb = (System.nanoTime() - h0t) / 1e9;
                        Map<String, Object> hc = latency(sh, store, n);
                        hc.put("indexBuildSeconds", round(hb));
                        hc.put("indexMB", round(sh.index().memoryBytes() / 1048576.0));
                        cats.add(hc);
                        if (cfg.recallQueries() > 0) {
                            report.put("recallHnsw", recall(sh, store, n));
                        }
                    }
                }
                first = false;
            }
        }
        return report;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Writes n procedural tracks into a real file catalog (as 'mgsv index' would) and opens it. */
    static CatalogStore writeFileCatalog(Path dir, int n, GroundingModel m) {
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
        double sigma = cfg.queryNoise() / Math.sqrt(h0.length);
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (h0[i] + sigma * r.nextGaussian());
        }
        return VecMath.normalize(q);
    }

    private Map<String, Object> latency(Searcher s, CatalogStore store, int n) {
        int queries = cfg.queries();
        int k = cfg.k();
        int top = cfg.top();
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
        try (ConsoleProgress bar = new ConsoleProgress("queries " + n, cfg.warmup() + queries)) {
            for (int q = -cfg.warmup(); q < queries; q++) {
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
        c.put("p50Ms", round(Stats.percentile(total, 50)));
        c.put("p95Ms", round(Stats.percentile(total, 95)));
        c.put("meanMs", round(Arrays.stream(total).average().orElse(0)));
        // independent of other load on the machine: on an idle machine a query takes between cpu/threads and cpu
        c.put("cpuMsPerQueryP50", round(Stats.percentile(cpu, 50)));
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("videoTowerP50Ms", round(Stats.percentile(encode, 50)));
        st.put("shortlistP50Ms", round(Stats.percentile(shortlist, 50)));
        st.put("shortlistP95Ms", round(Stats.percentile(shortlist, 95)));
        st.put("shortlistFetchRescoreP50Ms", round(Stats.percentile(rescore, 50)));
        st.put("detectTopP50Ms", round(Stats.percentile(detect, 50)));
        c.put("stages", st);
        if (peak != null && m instanceof MadeGroundingModel mg) {
            log.accept(peak.report(String.format(Locale.ROOT, "%,d tracks, p50 query (matmuls of the video tower, the"
                    + " dual scan, X-Pool of K tracks and detection of the top %d, at full slot lengths)", n, top),
                    MadeFlops.searchQuery(mg.config(), n, k, top), Stats.percentile(total, 50) / 1000, c));
        }
        log.accept(String.format(Locale.ROOT, "%,d tracks [%s]: CPU time per query p50 %.1f ms", n, s.index().name(),
                Stats.percentile(cpu, 50)));
        log.accept(String.format(Locale.ROOT, "%,d tracks [%s]: query p50 %.1f ms, p95 %.1f ms; stage p50: video tower"
                + " %.1f, shortlist %.1f, shortlist+fetch+rescore %.1f, detection %.1f ms", n, s.index().name(),
                Stats.percentile(total, 50), Stats.percentile(total, 95), Stats.percentile(encode, 50),
                Stats.percentile(shortlist, 50), Stats.percentile(rescore, 50), Stats.percentile(detect, 50)));
        return c;
    }

    /** Recall of the exhaustive top-1 on a feature dataset: every music is a catalog track, videos are queries. */
    private Map<String, Object> recallOnFeatures(Path features) {
        try (DirectoryFeatureStore fs = new DirectoryFeatureStore(features)) {
            InMemoryCatalogStore store = new InMemoryCatalogStore(m.dim(), m.segmentSlots());
            List<String> musics = new ArrayList<>(fs.musicIds());
            try (ConsoleProgress bar = new ConsoleProgress("music tower", musics.size())) {
                for (String id : musics) {
                    MusicFeatures f = fs.music(id);
                    GroundingModel.EncodedMusic e = m.encodeMusic(rows(f.feats()), f.mask().toArray());
                    store.add(TrackRecord.builder(MediaFiles.idFromName(id)).title(id)
                            .durationSeconds(240).vectors(e.tokens(), e.mask(), e.h0()).build());
                    bar.step();
                }
            }
            List<String> videos = new ArrayList<>(fs.videoIds());
            Collections.shuffle(videos, new Random(5));
            videos = videos.subList(0, Math.min(cfg.featureQueries(), videos.size()));
            int[] ks = {1, 2, 5, 10, 25, 50, 100};
            int[] hit = new int[ks.length];
            int same = 0;
            List<TrackRecord> all = tracks(store);
            try (Searcher s = Searcher.build(store, m, Searcher.Kind.EXACT, threads, t -> null);
                    ConsoleProgress bar = new ConsoleProgress("recall (features)", videos.size())) {
                for (String vid : videos) {
                    VideoFeatures vf = fs.video(vid);
                    float[] hv = m.encodeVideo(rows(vf.feats()), vf.mask().toArray()).hv();
                    if (recallQuery(s, all, hv, all.size(), ks, hit)) {
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
            out.put("twoStageTop1EqualsExhaustivePercentAtK" + cfg.k(), round(100.0 * same / videos.size()));
            log.accept(String.format(Locale.ROOT, "recall of the exhaustive top-1 on features (%d tracks, %d videos):"
                    + " %s; two-stage top-1 = exhaustive top-1 in %.1f%% at K=%d", all.size(), videos.size(), curve,
                    100.0 * same / videos.size(), cfg.k()));
            return out;
        }
    }

    private static float[][] rows(Tensor t) {
        int n = t.dim(0);
        int c = t.dim(1);
        float[][] out = new float[n][c];
        float[] flat = t.toArray();
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }

    /**
     * For each query: the exhaustive MaDe top-1 (dual + single over all tracks) and its rank in the shortlist's
     * order; recall@K = share of queries whose exhaustive top-1 is among the shortlist's first K.
     */
    private Map<String, Object> recall(Searcher s, CatalogStore store, int n) {
        int recallQueries = cfg.recallQueries();
        Random r = new Random(11);
        int[] ks = {10, 25, 50, 100, 200, 400};
        int maxK = Math.min(n, Arrays.stream(ks).max().getAsInt());
        int[] hit = new int[ks.length];
        int sameTop1AtDefault = 0;
        List<TrackRecord> all = tracks(store);
        try (ConsoleProgress bar = new ConsoleProgress("recall " + n, recallQueries)) {
            for (int q = 0; q < recallQueries; q++) {
                float[] hv = queryNear(all.get(r.nextInt(n)).h0(), r);
                if (recallQuery(s, all, hv, maxK, ks, hit)) {
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
        out.put("twoStageTop1EqualsExhaustivePercentAtK" + cfg.k(), round(100.0 * sameTop1AtDefault / recallQueries));
        log.accept(String.format(Locale.ROOT, "recall of the exhaustive top-1 on %,d tracks [%s]: %s; two-stage top-1"
                + " = exhaustive top-1 in %.1f%% at K=%d", n, s.index().name(), curve,
                100.0 * sameTop1AtDefault / recallQueries, cfg.k()));
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
    private boolean recallQuery(Searcher s, List<TrackRecord> all, float[] hv, int searchK, int[] ks, int[] hit) {
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
        ShortlistIndex.Hits h = s.index().search(hv, searchK);
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
        Searcher.Ranked two = s.rank(hv, cfg.k());
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
