package org.mgsv.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.core.util.Threads;

/**
 * Writes a synthetic benchmark in the published MGSV-EC layout of the reference repository:
 * <pre>
 * &lt;out&gt;/dataset/MGSV-EC/{train,val,test}_data.csv                                 16 columns
 * &lt;out&gt;/features/Kuai_feature/vit_feature1/vit_feature/&lt;video_id&gt;.pt            [50, 512] float32
 * &lt;out&gt;/features/Kuai_feature/vit_feature1/vit_mask/&lt;video_id&gt;.pt               [50]
 * &lt;out&gt;/features/Kuai_feature/ast_feature2p5/ast_feature/&lt;music_id&gt;.pt          [96, 768] float32
 * &lt;out&gt;/features/Kuai_feature/ast_feature2p5/ast_mask/&lt;music_id&gt;.pt             [96]
 * &lt;out&gt;/synth.json                                  configuration and counts (reuse check)
 * </pre>
 * The directory is built in a temporary sibling and renamed into place when complete, so an interrupted run
 * leaves nothing that looks valid. Files are rendered in parallel; the content does not depend on the number of
 * threads.
 */
public final class SynthWriter {
    public static final String DATASET_DIR = "dataset/MGSV-EC";
    public static final String VIDEO_ROOT = "features/Kuai_feature/vit_feature1";
    public static final String MUSIC_ROOT = "features/Kuai_feature/ast_feature2p5";
    public static final String MANIFEST = "synth.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SynthWriter() {}

    /** What was written. */
    public record Summary(Path out, int trainRows, int valRows, int testRows, int tracks, int trainTracks,
            int trainMoments, long files, long bytes, double seconds) {}

    /**
     * Generates and writes the benchmark of {@code config} into {@code out}. An existing {@code out} is replaced
     * only if it is an earlier synthetic benchmark (has {@value #MANIFEST}) or empty.
     *
     * @param threads rendering threads (≥ 1)
     * @param progress whether to show a progress bar on stderr
     */
    public static Summary write(SynthConfig config, Path out, int threads, boolean progress) {
        checkTarget(out);
        long t0 = System.nanoTime();
        SynthPlan plan = SynthPlan.build(config);
        checkSpace(out, estimatedBytes(plan));
        SynthGenerator gen = new SynthGenerator(plan);
        AtomicLong bytes = new AtomicLong();
        AtomicLong files = new AtomicLong();
        AtomicFiles.writeDirectory(out, tmp -> {
            Path ds = tmp.resolve(DATASET_DIR);
            Files.createDirectories(ds);
            for (SynthPlan.Split s : SynthPlan.Split.values()) {
                Path csv = ds.resolve(s.csvName());
                AnnotationCsv.write(csv, plan.annotations(s));
                bytes.addAndGet(Files.size(csv));
                files.incrementAndGet();
            }
            Path vf = tmp.resolve(VIDEO_ROOT).resolve("vit_feature");
            Path vm = tmp.resolve(VIDEO_ROOT).resolve("vit_mask");
            Path mf = tmp.resolve(MUSIC_ROOT).resolve("ast_feature");
            Path mm = tmp.resolve(MUSIC_ROOT).resolve("ast_mask");
            for (Path p : List.of(vf, vm, mf, mm)) {
                Files.createDirectories(p);
            }
            int[] used = plan.usedTracks();
            List<SynthPlan.Row> allRows = new ArrayList<>();
            for (SynthPlan.Split s : SynthPlan.Split.values()) {
                allRows.addAll(plan.rows(s));
            }
            long tasks = used.length + allRows.size();
            ConsoleProgress bar = progress ? new ConsoleProgress("synth", tasks) : null;
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), Threads.daemonFactory("synth-writer"));
            try {
                List<Future<?>> futures = new ArrayList<>();
                submitChunks(pool, futures, used.length, i -> {
                    bytes.addAndGet(save(mf, mm, plan.track(used[i]).musicId(), gen.musicFeatures(used[i])));
                    files.addAndGet(2);
                    step(bar);
                });
                submitChunks(pool, futures, allRows.size(), i -> {
                    SynthPlan.Row row = allRows.get(i);
                    bytes.addAndGet(save(vf, vm, row.videoId(), gen.videoFeatures(row)));
                    files.addAndGet(2);
                    step(bar);
                });
                for (Future<?> fu : futures) {
                    try {
                        fu.get();
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        if (c instanceof IOException io) {
                            throw io;
                        }
                        if (c instanceof RuntimeException re) {
                            throw re;
                        }
                        throw new IllegalStateException(c);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            } finally {
                pool.shutdownNow();
                if (bar != null) {
                    bar.close();
                }
            }
            Path manifest = tmp.resolve(MANIFEST);
            Files.writeString(manifest, JSON.writeValueAsString(manifest(plan)));
            bytes.addAndGet(Files.size(manifest));
            files.incrementAndGet();
        });
        List<SynthPlan.Row> train = plan.rows(SynthPlan.Split.TRAIN);
        return new Summary(out, train.size(), plan.rows(SynthPlan.Split.VAL).size(),
                plan.rows(SynthPlan.Split.TEST).size(), plan.usedTracks().length, countTracks(train),
                countMoments(train), files.get(), bytes.get(), (System.nanoTime() - t0) / 1e9);
    }

    private static void step(ConsoleProgress bar) {
        if (bar != null) {
            bar.step();
        }
    }

    /** One item's work, by index. */
    @FunctionalInterface
    private interface IndexTask {
        void run(int i) throws IOException;
    }

    /** Submits {@code task} for every index in [0, n), in chunks of 64 indices per pool task. */
    private static void submitChunks(ExecutorService pool, List<Future<?>> futures, int n, IndexTask task) {
        int chunk = 64;
        for (int from = 0; from < n; from += chunk) {
            int a = from;
            int b = Math.min(n, from + chunk);
            futures.add(pool.submit(() -> {
                for (int i = a; i < b; i++) {
                    task.run(i);
                }
                return null;
            }));
        }
    }

    /** Writes {@code <featDir>/<id>.pt} and {@code <maskDir>/<id>.pt}; returns their bytes. */
    private static long save(Path featDir, Path maskDir, String id, SynthGenerator.Features f) throws IOException {
        return save(featDir.resolve(id + ".pt"), f.values(), f.rows(), f.dim())
                + save(maskDir.resolve(id + ".pt"), f.mask(), f.rows());
    }

    private static long save(Path file, float[] values, int... shape) throws IOException {
        byte[] b = TorchSave.toBytes(Tensor.wrap(values, shape));
        Files.write(file, b);
        return b.length;
    }

    /** Whether {@code out} already holds the benchmark of {@code config} (same generator version and config). */
    public static boolean isUpToDate(Path out, SynthConfig config) {
        Path m = out.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) {
            return false;
        }
        try {
            JsonNode n = JSON.readTree(m.toFile());
            return n.path("generator_version").asInt(-1) == SynthConfig.GENERATOR_VERSION
                    && config.equals(JSON.treeToValue(n.path("config"), SynthConfig.class));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads the configuration recorded in {@code <out>/synth.json}. */
    public static SynthConfig readConfig(Path out) {
        Path m = out.resolve(MANIFEST);
        try {
            return JSON.treeToValue(JSON.readTree(m.toFile()).path("config"), SynthConfig.class);
        } catch (IOException e) {
            throw new MgsvException("cannot read synthetic benchmark configuration " + m + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode manifest(SynthPlan plan) {
        ObjectNode n = JSON.createObjectNode();
        n.put("generator", "mgsv synth");
        n.put("generator_version", SynthConfig.GENERATOR_VERSION);
        n.set("config", JSON.valueToTree(plan.config()));
        ObjectNode splits = n.putObject("splits");
        for (SynthPlan.Split s : SynthPlan.Split.values()) {
            List<SynthPlan.Row> rows = plan.rows(s);
            ObjectNode o = splits.putObject(s.fileStem);
            o.put("videos", rows.size());
            o.put("tracks", countTracks(rows));
            o.put("moments", countMoments(rows));
        }
        n.put("tracks_with_features", plan.usedTracks().length);
        ObjectNode layout = n.putObject("features");
        layout.put("video", VIDEO_ROOT + "/{vit_feature,vit_mask}/<video_id>.pt [50,512]/[50] float32");
        layout.put("music", MUSIC_ROOT + "/{ast_feature,ast_mask}/<music_id>.pt [96,768]/[96] float32");
        return n;
    }

    static int countTracks(List<SynthPlan.Row> rows) {
        Set<Integer> s = new HashSet<>();
        for (SynthPlan.Row r : rows) {
            s.add(r.track());
        }
        return s.size();
    }

    static int countMoments(List<SynthPlan.Row> rows) {
        Set<List<Long>> s = new HashSet<>();
        for (SynthPlan.Row r : rows) {
            s.add(List.of((long) r.track(), r.musicStartMs(), r.lengthMs()));
        }
        return s.size();
    }

    /** Bytes of one video's two files and one track's two files, as {@link TorchSave} writes them. */
    static final long VIDEO_FILES_BYTES = 103_109 + 906;
    static final long MUSIC_FILES_BYTES = 295_621 + 1_106;

    /** Expected size of the benchmark of {@code plan}, bytes (features + about 190 bytes of CSV per row). */
    public static long estimatedBytes(SynthPlan plan) {
        long rows = 0;
        for (SynthPlan.Split s : SynthPlan.Split.values()) {
            rows += plan.rows(s).size();
        }
        return rows * (VIDEO_FILES_BYTES + 190) + (long) plan.usedTracks().length * MUSIC_FILES_BYTES;
    }

    private static void checkSpace(Path out, long needed) {
        Path p = out.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        try {
            long free = Files.getFileStore(p).getUsableSpace();
            // the old benchmark at out (if any) is deleted only after the new one is complete
            if (free < needed + (needed >> 5)) {
                throw new MgsvException(String.format(java.util.Locale.ROOT,
                        "not enough disk space for %s: the benchmark needs about %.2f GB, %.2f GB are free", out,
                        needed / 1e9, free / 1e9));
            }
        } catch (IOException e) {
            // unknown free space: try anyway
        }
    }

    private static void checkTarget(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MgsvException("output " + out + " exists and is not a directory");
        }
        if (Files.isDirectory(out) && !Files.isRegularFile(out.resolve(MANIFEST))) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new MgsvException("output directory " + out + " is not empty and holds no " + MANIFEST
                            + " (not a synthetic benchmark): refusing to replace it; choose a new directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + out + ": " + e.getMessage(), e);
            }
        }
    }
}
