package org.mgsv.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.CsvLine;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxSegmentEncoder;
import org.mgsv.media.extract.FeatureExtractor;
import org.mgsv.media.extract.FeatureExtractor.Kind;
import org.mgsv.media.video.VideoDecoder;

/**
 * {@code mgsv extract} as a Spark job. Each executor task extracts its files with the project's
 * {@link FeatureExtractor} into a private local directory, then commits each tensor file to the published layout
 * under {@code --out} (attempt-named temporary + rename) and last a one-line row file
 * {@code <out>/_spark/rows/<kind>/<id>.csv}. The driver finally folds the row files into videos.csv / music.csv
 * (exactly the single-process index) and removes them. A file counts as done when its row (in the CSV or a row
 * file) names the same encoder and both tensors exist: a rerun after a kill skips it; a file whose row is missing
 * is redone, writing the same bytes again.
 */
final class SparkExtract implements BatchJob {
    private static final long serialVersionUID = 1L;
    static final String ROWS = "_spark/rows";
    private final DistributedEngine.ExtractJob spec;

    SparkExtract(DistributedEngine.ExtractJob spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return "extract";
    }

    @Override
    public String rejectsFile() {
        return HadoopFiles.resolve(spec.out(), "extract-rejects.csv");
    }

    @Override
    public double secondsPerItem() {
        // a 50-frame clip through ViT-B/32 (≈ 71 ms/frame) or a track's 96 AST windows (≈ 3.8 s each), one core
        return "onnx".equals(spec.encoder()) ? 50 * 0.071 * 2 : 1.0;
    }

    // ---- executor-side resources, once per JVM ----

    private String key(String what) {
        return "extract/" + what + "/" + spec.encoder() + "/" + spec.clip() + "/" + spec.ast() + "/" + spec.downmix() + "/"
                + spec.threadsPerTask();
    }

    FrameEncoder frameEncoder() {
        return ExecutorResources.get(key("frames"), () -> switch (spec.encoder()) {
            case "builtin" -> new BuiltinFrameEncoder();
            case "onnx" -> {
                if (spec.clip() == null) {
                    throw new MgsvException("--encoder onnx needs --clip <model.onnx> to encode videos");
                }
                yield new OnnxFrameEncoder(Path.of(spec.clip()), null, null, 8, spec.threadsPerTask());
            }
            default -> throw new MgsvException("--encoder: '" + spec.encoder() + "' is not builtin or onnx");
        });
    }

    SegmentEncoder segmentEncoder() {
        return ExecutorResources.get(key("segments"), () -> switch (spec.encoder()) {
            case "builtin" -> new BuiltinSegmentEncoder();
            case "onnx" -> {
                if (spec.ast() == null) {
                    throw new MgsvException("--encoder onnx needs --ast <model.onnx> to encode music");
                }
                yield new OnnxSegmentEncoder(Path.of(spec.ast()), null, null, 4, spec.threadsPerTask());
            }
            default -> throw new MgsvException("--encoder: '" + spec.encoder() + "' is not builtin or onnx");
        });
    }

    private FeatureExtractor extractorAt(Path dir, Kind kind) {
        int t = spec.threadsPerTask();
        AstFrontEnd fe = ExecutorResources.get(key("frontend"),
                () -> new AstFrontEnd(spec.downmix() ? AstFrontEnd.Channels.DOWNMIX : AstFrontEnd.Channels.FIRST, t));
        VideoDecoder vd = ExecutorResources.get(key("decoder"), () -> new VideoDecoder(VideoDecoder.MAX_FRAMES, t));
        return new FeatureExtractor(dir, kind == Kind.VIDEO ? frameEncoder() : null,
                kind == Kind.MUSIC ? segmentEncoder() : null, fe, vd);
    }

    // ---- driver: plan ----

    private static Kind kindOf(WorkItem w) {
        return w.kind().equals("video") ? Kind.VIDEO : Kind.MUSIC;
    }

    private String csvFile(Kind k) {
        return HadoopFiles.resolve(spec.out(), k == Kind.VIDEO ? FeatureExtractor.VIDEO_CSV : FeatureExtractor.MUSIC_CSV);
    }

    private String header(Kind k) {
        return k == Kind.VIDEO ? FeatureExtractor.VIDEO_HEADER : FeatureExtractor.MUSIC_HEADER;
    }

    private String rowDir(Kind k) {
        return HadoopFiles.resolve(spec.out(), ROWS + "/" + (k == Kind.VIDEO ? "video" : "music"));
    }

    /** Relative paths of the tensor files of {@code id}, as the single-process extractor lays them out. */
    private static List<String> tensorFiles(Kind k, String id) {
        String root = k == Kind.VIDEO ? FeatureExtractor.VIDEO_ROOT + "/vit_" : FeatureExtractor.MUSIC_ROOT + "/ast_";
        return List.of(root + "feature/" + id + ".pt", root + "mask/" + id + ".pt");
    }

    /** id → row from the published CSV plus the row files committed by earlier (possibly killed) runs. */
    private Map<String, String[]> rows(Kind k) {
        Map<String, String[]> rows = new HashMap<>();
        String csv = csvFile(k);
        if (HadoopFiles.exists(csv)) {
            rows.putAll(parseCsv(csv, new String(HadoopFiles.read(csv), StandardCharsets.UTF_8), header(k)));
        }
        for (String n : HadoopFiles.listNames(rowDir(k))) {
            String f = HadoopFiles.resolve(rowDir(k), n);
            rows.putAll(parseCsv(f, header(k) + "\n" + new String(HadoopFiles.read(f), StandardCharsets.UTF_8), header(k)));
        }
        return rows;
    }

    private static Map<String, String[]> parseCsv(String name, String text, String header) {
        // the project's own reader (header and field checks, error naming the line), on a local copy
        try {
            Path tmp = Files.createTempFile("mgsv-rows-", ".csv");
            try {
                Files.writeString(tmp, text);
                return FeatureExtractor.readCsv(tmp, header);
            } catch (MgsvException e) {
                throw new MgsvException(name + e.getMessage().substring(e.getMessage().indexOf(':')), e);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Plan plan() {
        List<WorkItem> todo = new ArrayList<>();
        List<Outcome> rejected = new ArrayList<>();
        int done = 0;
        for (Kind k : Kind.values()) {
            List<String> specs = k == Kind.VIDEO ? spec.videos() : spec.music();
            if (specs.isEmpty()) {
                continue;
            }
            String encoderName = k == Kind.VIDEO ? frameEncoder().name() : segmentEncoder().name();
            Map<String, String[]> rows = rows(k);
            int encCol = k == Kind.VIDEO ? 7 : 4;
            MediaFiles.IdClaims seen = new MediaFiles.IdClaims();
            Set<String> extensions = k == Kind.VIDEO ? MediaFiles.VIDEO_EXTENSIONS : MediaFiles.AUDIO_EXTENSIONS;
            for (String s : specs) {
                for (String f : HadoopFiles.listInputs(s, extensions,
                        p -> MediaFiles.list(p, extensions).reportTo(System.err))) {
                    String id = MediaFiles.idOf(Path.of(HadoopFiles.fileName(f)));
                    String kind = k == Kind.VIDEO ? "video" : "music";
                    WorkItem w = new WorkItem(kind, f, id);
                    String first = seen.claim(id, f);
                    if (first != null) {
                        rejected.add(Outcome.failed(w, MediaFiles.IdClaims.collision(kind, id, f, first)));
                        continue;
                    }
                    String[] row = rows.get(id);
                    boolean isDone = row != null && row[encCol].equals(encoderName)
                            && tensorFiles(k, id).stream().allMatch(r -> HadoopFiles.exists(HadoopFiles.resolve(spec.out(), r)));
                    if (isDone) {
                        done++;
                    } else {
                        todo.add(w);
                    }
                }
            }
        }
        return new Plan(todo, done, rejected);
    }

    // ---- executor: one file ----

    @Override
    public void process(WorkItem item, String attempt, Runnable beforeCommit) throws Exception {
        Kind k = kindOf(item);
        Path work = Files.createTempDirectory("mgsv-spark-" + attempt + "-");
        try {
            Path local = HadoopFiles.localize(item.source(), work.resolve("in"));
            FeatureExtractor ex = extractorAt(work.resolve("out"), k);
            if (k == Kind.VIDEO) {
                ex.extractVideo(local);
            } else {
                ex.extractMusic(local);
            }
            String[] row = ex.row(k, item.id());
            row[1] = item.source();
            List<String> rel = tensorFiles(k, item.id());
            HadoopFiles.commit(work.resolve("out").resolve(rel.get(0)), HadoopFiles.resolve(spec.out(), rel.get(0)), attempt);
            beforeCommit.run();
            HadoopFiles.commit(work.resolve("out").resolve(rel.get(1)), HadoopFiles.resolve(spec.out(), rel.get(1)), attempt);
            // the row last: it is what marks the file done
            HadoopFiles.writeAtomically(HadoopFiles.resolve(rowDir(k), item.id() + ".csv"),
                    (CsvLine.join(row) + "\n").getBytes(StandardCharsets.UTF_8), attempt);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    // ---- driver: publish ----

    @Override
    public void finish(List<WorkItem> ok) {
        for (Kind k : Kind.values()) {
            List<String> names = HadoopFiles.listNames(rowDir(k));
            if (names.isEmpty()) {
                continue;
            }
            Map<String, String[]> rows = new TreeMap<>(rows(k));
            StringBuilder sb = new StringBuilder(header(k)).append('\n');
            for (String[] r : rows.values()) {
                sb.append(CsvLine.join(r)).append('\n');
            }
            HadoopFiles.writeAtomically(csvFile(k), sb.toString().getBytes(StandardCharsets.UTF_8), "driver");
            for (String n : names) {
                HadoopFiles.delete(HadoopFiles.resolve(rowDir(k), n));
            }
        }
        String sparkDir = HadoopFiles.resolve(spec.out(), "_spark");
        if (HadoopFiles.exists(sparkDir) && HadoopFiles.listNames(rowDir(Kind.VIDEO)).isEmpty()
                && HadoopFiles.listNames(rowDir(Kind.MUSIC)).isEmpty()) {
            HadoopFiles.delete(sparkDir);
        }
    }
}
