package org.mgsv.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.encode.onnx.OnnxSegmentEncoder;
import org.mgsv.search.CatalogIndexer;
import org.mgsv.search.DefaultMediaPipeline;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MadeGroundingModel;
import org.mgsv.search.MediaPipeline;
import org.mgsv.search.catalog.FileCatalogStore;
import org.mgsv.search.catalog.InMemoryCatalogStore;
import org.mgsv.search.catalog.TrackRecord;

/**
 * {@code mgsv index} as a Spark job. Executors run the project's {@link CatalogIndexer} on their tracks (model and
 * media pipeline loaded once per executor) and commit each track record to a staging folder
 * ({@code <catalog>/_spark/tracks/<id>.rec}, attempt temporary + rename). The driver, the catalog's one writer,
 * adds the staged records in input order to the {@link FileCatalogStore} (its own atomic part + manifest commits)
 * and removes them. A rerun skips tracks already in the catalog or staged by a killed run.
 */
final class SparkIndex implements BatchJob {
    private static final long serialVersionUID = 1L;
    private static final int COMMIT_EVERY = 16;
    private final DistributedEngine.IndexJob spec;

    SparkIndex(DistributedEngine.IndexJob spec) {
        if (!HadoopFiles.isLocal(spec.out())) {
            throw new MgsvException("--out " + spec.out() + ": the catalog is written by the driver and must be a local "
                    + "(or mounted) directory");
        }
        this.spec = spec;
    }

    @Override
    public String name() {
        return "index";
    }

    @Override
    public String rejectsFile() {
        return HadoopFiles.resolve(spec.out(), "index-rejects.csv");
    }

    @Override
    public double secondsPerItem() {
        // 96 AST windows of ≈ 3.8 s each on one core with the published encoder; builtin about a second
        return "onnx".equals(spec.encoder()) ? 96 * 3.8 * 2 : 1.0;
    }

    private String staging() {
        return HadoopFiles.resolve(spec.out(), "_spark/tracks");
    }

    private String key(String what) {
        return "index/" + what + "/" + spec.model() + "/" + spec.encoder() + "/" + spec.ast() + "/" + spec.threadsPerTask();
    }

    GroundingModel model() {
        return ExecutorResources.get(key("model"), () -> {
            Path dir = HadoopFiles.localPath(spec.model());
            if (!Files.isDirectory(dir)) {
                throw new MgsvException("--model " + dir + ": no such model directory");
            }
            MadeGroundingModel.prepareSearchProcess();
            return MadeGroundingModel.load(dir, spec.threadsPerTask());
        });
    }

    MediaPipeline media() {
        return ExecutorResources.get(key("media"), () -> {
            SegmentEncoder se;
            if ("onnx".equals(spec.encoder())) {
                if (spec.ast() == null) {
                    throw new MgsvException("--encoder onnx needs --ast <ast.onnx> to encode music");
                }
                se = new OnnxSegmentEncoder(Path.of(spec.ast()));
            } else {
                se = new BuiltinSegmentEncoder();
            }
            return new DefaultMediaPipeline(new BuiltinFrameEncoder(), se, model().frameSlots(), spec.threadsPerTask());
        });
    }

    @Override
    public Plan plan() {
        Map<String, CatalogIndexer.Meta> meta = spec.meta() == null ? Map.of()
                : CatalogIndexer.readMeta(HadoopFiles.localPath(spec.meta()));
        Set<String> present;
        GroundingModel m = model();
        try (FileCatalogStore store = FileCatalogStore.openOrCreate(HadoopFiles.localPath(spec.out()), m.dim(), m.segmentSlots())) {
            present = new HashSet<>(store.ids());
        }
        Set<String> staged = new HashSet<>();
        for (String n : HadoopFiles.listNames(staging())) {
            if (n.endsWith(".rec")) {
                staged.add(n.substring(0, n.length() - 4));
            }
        }
        List<WorkItem> todo = new ArrayList<>();
        int done = 0;
        List<Outcome> rejected = new ArrayList<>();
        MediaFiles.IdClaims ids = new MediaFiles.IdClaims();
        for (String s : spec.music()) {
            for (String f : HadoopFiles.listInputs(s, MediaFiles.AUDIO_EXTENSIONS,
                    p -> MediaFiles.list(p, MediaFiles.AUDIO_EXTENSIONS).reportTo(System.err))) {
                String name = HadoopFiles.fileName(f);
                CatalogIndexer.Meta md = meta.get(name);
                String id = CatalogIndexer.idOf(Path.of(name), md);
                WorkItem w = md == null ? new WorkItem("track", f, id)
                        : new WorkItem("track", f, id, new String[] {md.id(), md.title(), md.artist(), md.licence()});
                String first = ids.claim(id, f);
                if (first != null) {
                    rejected.add(Outcome.failed(w, MediaFiles.IdClaims.collision("track", id, f, first)
                            + "; or give one an id in --meta"));
                } else if (present.contains(id)) {
                    done++;
                } else if (staged.contains(id)) {
                    done++;
                    pendingStaged.add(w);
                } else {
                    todo.add(w);
                }
            }
        }
        return new Plan(todo, done, rejected);
    }

    /** Driver only: staged by an earlier, killed run; published by {@link #finish}. */
    private final transient List<WorkItem> pendingStaged = new ArrayList<>();

    @Override
    public void process(WorkItem item, String attempt, Runnable beforeCommit) throws Exception {
        Path work = Files.createTempDirectory("mgsv-spark-" + attempt + "-");
        try {
            Path local = HadoopFiles.localize(item.source(), work);
            GroundingModel m = model();
            CatalogIndexer.Meta md = item.extra().length == 4
                    ? new CatalogIndexer.Meta(item.extra()[0], item.extra()[1], item.extra()[2], item.extra()[3]) : null;
            TrackRecord r = new CatalogIndexer(new InMemoryCatalogStore(m.dim(), m.segmentSlots()), m, media(), 1, spec.beats())
                    .indexFile(local, md);
            if (!HadoopFiles.isLocal(item.source())) {
                r = r.withSourcePath(item.source());
            }
            beforeCommit.run();
            HadoopFiles.writeAtomically(HadoopFiles.resolve(staging(), item.id() + ".rec"), encode(r), attempt);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    @Override
    public void finish(List<WorkItem> ok) {
        List<WorkItem> all = new ArrayList<>(pendingStaged);
        all.addAll(ok);
        all.sort(java.util.Comparator.comparing(WorkItem::source));
        if (all.isEmpty()) {
            return;
        }
        GroundingModel m = model();
        try (FileCatalogStore store = FileCatalogStore.openOrCreate(HadoopFiles.localPath(spec.out()), m.dim(), m.segmentSlots())) {
            int since = 0;
            List<String> added = new ArrayList<>();
            for (WorkItem w : all) {
                String f = HadoopFiles.resolve(staging(), w.id() + ".rec");
                if (!store.contains(w.id())) {
                    store.add(decode(HadoopFiles.read(f)));
                }
                added.add(f);
                if (++since >= COMMIT_EVERY) {
                    store.commit();
                    since = 0;
                }
            }
            store.commit();
            for (String f : added) {
                HadoopFiles.delete(f);
            }
        }
        HadoopFiles.delete(HadoopFiles.resolve(spec.out(), "_spark"));
    }

    static byte[] encode(TrackRecord r) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(bo)) {
            o.writeInt(1);
            o.writeUTF(r.id());
            o.writeUTF(r.title());
            o.writeUTF(r.artist());
            o.writeUTF(r.licence());
            o.writeDouble(r.durationSeconds());
            o.writeUTF(r.sourcePath());
            o.writeInt(r.tokens().length);
            o.writeInt(r.h0().length);
            for (float[] row : r.tokens()) {
                for (float v : row) {
                    o.writeFloat(v);
                }
            }
            for (float v : r.mask()) {
                o.writeFloat(v);
            }
            for (float v : r.h0()) {
                o.writeFloat(v);
            }
            writeDoubles(o, r.beats());
            writeDoubles(o, r.downbeats());
        }
        return bo.toByteArray();
    }

    private static void writeDoubles(DataOutputStream o, double[] x) throws IOException {
        o.writeInt(x.length);
        for (double v : x) {
            o.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] x = new double[in.readInt()];
        for (int i = 0; i < x.length; i++) {
            x[i] = in.readDouble();
        }
        return x;
    }

    static TrackRecord decode(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readInt() != 1) {
                throw new MgsvException("staged track record: unknown version");
            }
            String id = in.readUTF();
            String title = in.readUTF();
            String artist = in.readUTF();
            String licence = in.readUTF();
            double dur = in.readDouble();
            String source = in.readUTF();
            int s = in.readInt();
            int d = in.readInt();
            float[][] tokens = new float[s][d];
            for (float[] row : tokens) {
                for (int j = 0; j < d; j++) {
                    row[j] = in.readFloat();
                }
            }
            float[] mask = new float[s];
            for (int i = 0; i < s; i++) {
                mask[i] = in.readFloat();
            }
            float[] h0 = new float[d];
            for (int i = 0; i < d; i++) {
                h0[i] = in.readFloat();
            }
            return TrackRecord.builder(id).title(title).artist(artist).licence(licence).durationSeconds(dur)
                    .sourcePath(source).vectors(tokens, mask, h0).beats(readDoubles(in), readDoubles(in)).build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("staged track record: " + e.getMessage(), e);
        }
    }
}
