package org.mgsv.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgsv.annotate.Annotator;
import org.mgsv.annotate.FingerprintIndex;
import org.mgsv.annotate.Matcher;
import org.mgsv.annotate.Splits;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;

/**
 * {@code mgsv annotate} as a Spark job. The driver has already brought the fingerprint index up to date (it stays
 * its one writer); executors open it read-only (memory-mapped, once per executor), annotate their videos and commit
 * one small record per video ({@code <out>/_spark/annotate-<index stamp>/<id>.rec}: the annotation row or the
 * reject; attempt temporary + rename). The driver then writes {@code annotations.csv}, {@code rejects.csv} and the
 * split files from all records, exactly as the single-process command. Records are kept, so a rerun (after a kill,
 * or with more videos) annotates only videos without one; the index stamp (tracks, bytes) makes a grown library
 * annotate everything again.
 */
final class SparkAnnotate implements BatchJob {
    private static final long serialVersionUID = 1L;
    private final DistributedEngine.AnnotateJob spec;
    private final String stamp;

    SparkAnnotate(DistributedEngine.AnnotateJob spec) {
        if (!HadoopFiles.isLocal(spec.out())) {
            throw new MgsvException("--out " + spec.out() + ": the annotations are written by the driver and must be "
                    + "a local (or mounted) directory");
        }
        this.spec = spec;
        FingerprintIndex idx = FingerprintIndex.open(HadoopFiles.localPath(spec.index()));
        this.stamp = idx.size() + "-" + idx.bytes();
    }

    @Override
    public String name() {
        return "annotate";
    }

    @Override
    public String rejectsFile() {
        return HadoopFiles.resolve(spec.out(), "annotate-failed.csv");
    }

    @Override
    public double secondsPerItem() {
        return 1.0; // decode + fingerprint + match of a short video on one core
    }

    private String staging() {
        return HadoopFiles.resolve(spec.out(), "_spark/annotate-" + stamp);
    }

    Annotator annotator() {
        return ExecutorResources.get("annotate/" + spec.index() + "/" + stamp + "/" + spec.minVotes() + "/"
                + spec.minContrast(), () -> {
                    Path local = HadoopFiles.localPath(spec.index());
                    if (!HadoopFiles.isLocal(spec.index())) {
                        try {
                            local = HadoopFiles.localize(spec.index(), Files.createTempDirectory("mgsv-fpi-"));
                        } catch (IOException e) {
                            throw new MgsvException("cannot copy " + spec.index() + ": " + e.getMessage(), e);
                        }
                    }
                    return new Annotator(FingerprintIndex.open(local),
                            new Matcher.Config(spec.minVotes(), Matcher.Config.DEFAULT.candidates(), spec.minContrast()));
                });
    }

    // ---- driver: plan ----

    /** Driver only: every video of the plan in input order (first source per id), and the duplicates. */
    private final transient List<WorkItem> planned = new ArrayList<>();
    private final transient Map<String, String> duplicates = new HashMap<>();

    @Override
    public Plan plan() {
        Set<String> committed = new HashSet<>();
        for (String n : HadoopFiles.listNames(staging())) {
            if (n.endsWith(".rec")) {
                committed.add(n.substring(0, n.length() - 4));
            }
        }
        List<WorkItem> todo = new ArrayList<>();
        List<Outcome> rejected = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int done = 0;
        for (String s : spec.videos()) {
            for (String f : HadoopFiles.listInputs(s, MediaFiles.VIDEO_EXTENSIONS,
                    p -> MediaFiles.list(p, MediaFiles.VIDEO_EXTENSIONS).reportTo(System.err))) {
                String id = MediaFiles.idOf(Path.of(HadoopFiles.fileName(f)));
                WorkItem w = new WorkItem("video", f, id);
                String first = seen.putIfAbsent(id, f);
                if (first != null) {
                    String reason = "unreadable: duplicate video id (also " + first + ")";
                    duplicates.put(f, reason);
                    rejected.add(Outcome.failed(w, reason));
                    continue;
                }
                planned.add(w);
                if (!committed.contains(id)) {
                    todo.add(w);
                    continue;
                }
                done++;
                Object r = decode(HadoopFiles.read(HadoopFiles.resolve(staging(), id + ".rec")), w);
                if (r instanceof Annotator.Reject j && j.failed()) {
                    rejected.add(Outcome.failed(w, j.reason())); // still failed: the exit code says so again
                }
            }
        }
        return new Plan(todo, done, rejected);
    }

    // ---- executor: one video ----

    @Override
    public void process(WorkItem item, String attempt, Runnable beforeCommit) throws Exception {
        Path work = Files.createTempDirectory("mgsv-spark-" + attempt + "-");
        Object r;
        try {
            try {
                r = annotator().annotate(HadoopFiles.localize(item.source(), work));
            } catch (IOException e) {
                r = new Annotator.Reject(Path.of(item.source()), item.id(), "unreadable: " + e.getMessage(), true);
            }
            beforeCommit.run();
            HadoopFiles.writeAtomically(HadoopFiles.resolve(staging(), item.id() + ".rec"), encode(r, item), attempt);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
        if (r instanceof Annotator.Reject j && j.failed()) {
            // committed (a rerun need not read it again) and reported: the rejects table and exit code 2
            throw new MgsvException(j.reason());
        }
    }

    // ---- driver: publish ----

    @Override
    public void finish(List<WorkItem> ok) {
        List<Annotator.Row> rows = new ArrayList<>();
        List<Annotator.Reject> rejects = new ArrayList<>();
        for (WorkItem w : planned) {
            String f = HadoopFiles.resolve(staging(), w.id() + ".rec");
            if (!HadoopFiles.exists(f)) {
                continue; // failed to commit (the runner reports it)
            }
            Object r = decode(HadoopFiles.read(f), w);
            if (r instanceof Annotator.Row row) {
                rows.add(row);
            } else {
                rejects.add((Annotator.Reject) r);
            }
        }
        for (Map.Entry<String, String> d : duplicates.entrySet()) {
            Path p = Path.of(d.getKey());
            rejects.add(new Annotator.Reject(p, MediaFiles.idOf(Path.of(HadoopFiles.fileName(d.getKey()))),
                    d.getValue(), true));
        }
        rows.sort(Comparator.comparing(r -> r.annotation().videoId()));
        rejects.sort(Comparator.comparing(Annotator.Reject::videoId));
        Splits.Ratios ratios = spec.split() == null ? null : Splits.Ratios.parse(spec.split());
        Annotator.write(HadoopFiles.localPath(spec.out()), new Annotator.Report(rows, rejects), ratios, spec.seed());
    }

    // ---- records ----

    static byte[] encode(Object result, WorkItem w) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(bo)) {
            o.writeInt(1);
            if (result instanceof Annotator.Row r) {
                Annotation a = r.annotation();
                o.writeByte(0);
                o.writeUTF(a.videoId());
                o.writeUTF(a.musicId());
                for (double d : new double[] {a.videoStart(), a.videoEnd(), a.musicStart(), a.musicEnd(),
                        a.musicTotalDuration(), a.videoSegmentDuration(), a.musicSegmentDuration()}) {
                    o.writeDouble(d);
                }
                o.writeUTF(a.musicPath());
                o.writeDouble(a.videoTotalDuration());
                o.writeInt(a.videoWidth());
                o.writeInt(a.videoHeight());
                o.writeInt(a.videoTotalFrames());
                o.writeDouble(a.videoFrameRate());
                o.writeUTF(a.videoCategory());
                o.writeDouble(r.confidence());
            } else {
                Annotator.Reject j = (Annotator.Reject) result;
                o.writeByte(1);
                o.writeBoolean(j.failed());
                o.writeUTF(j.reason());
            }
        }
        return bo.toByteArray();
    }

    static Object decode(byte[] b, WorkItem w) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readInt() != 1) {
                throw new MgsvException("annotation record of " + w.source() + ": unknown version (delete _spark)");
            }
            if (in.readByte() == 0) {
                String vid = in.readUTF(), mid = in.readUTF();
                double[] d = new double[7];
                for (int i = 0; i < d.length; i++) {
                    d[i] = in.readDouble();
                }
                String path = in.readUTF();
                double vdur = in.readDouble();
                int wd = in.readInt(), ht = in.readInt(), frames = in.readInt();
                double fps = in.readDouble();
                String cat = in.readUTF();
                double conf = in.readDouble();
                return new Annotator.Row(new Annotation(vid, mid, d[0], d[1], d[2], d[3], d[4], d[5], d[6], path, vdur,
                        wd, ht, frames, fps, cat), conf, null);
            }
            boolean failed = in.readBoolean();
            return new Annotator.Reject(Path.of(w.source()), w.id(), in.readUTF(), failed);
        } catch (IOException e) {
            throw new MgsvException("annotation record of " + w.source() + " is corrupt: " + e.getMessage(), e);
        }
    }
}
