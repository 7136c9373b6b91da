package org.mgsv.search.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.WriterLock;

/**
 * The embedded catalog: a directory of immutable, append-only <em>parts</em> plus one {@code manifest.json} that
 * lists the parts and the rows removed from them. Layout:
 *
 * <pre>
 * catalog/
 *   manifest.json            {format, version, dim, segments, generation, parts: [{name, rows, deleted: [row...]}]}
 *   part-000001/
 *     tracks.json            metadata of each row (id, title, artist, licence, duration, source, beats, downbeats)
 *     h0.f32                 [rows][dim] float32 little-endian
 *     tokens.f32             [rows][segments][dim] float32 little-endian
 *     mask.f32               [rows][segments] float32 little-endian
 * </pre>
 *
 * A commit writes a new part directory atomically (temporary sibling + rename), then replaces the manifest
 * atomically. A process killed at any point leaves the previous manifest, which only names complete parts:
 * the catalog stays usable and loses only the uncommitted tracks. Parts not named by the manifest (left by a
 * killed run) are deleted by the next writer. Vector files are memory-mapped read-only.
 *
 * <p>One writer at a time per catalog directory, enforced by an OS file lock ({@link WriterLock}) that the writer
 * holds from {@link #openOrCreate} (or its first commit) until {@link #close}; a second writer, in any process,
 * fails with an error instead of losing the first one's tracks. Any number of readers (readers see the manifest
 * they opened; {@link #open} takes no lock).
 */
public final class FileCatalogStore implements CatalogStore {
    public static final String FORMAT = "mgsv-catalog";
    public static final int VERSION = 1;
    /** Rows per part at most, so every mapped file stays below 2 GiB. */
    static final int MAX_PART_ROWS = 16384;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final int dim;
    private final int segments;
    private long generation;
    private final List<Part> parts = new ArrayList<>();
    /** Committed live rows: id → location. */
    private final LinkedHashMap<String, Loc> index = new LinkedHashMap<>();
    /** Staged additions (id → record) and removals of committed rows. */
    private final LinkedHashMap<String, TrackRecord> pendingAdds = new LinkedHashMap<>();
    private final java.util.Set<Loc> pendingDeletes = new java.util.LinkedHashSet<>();
    /** The writer's lock: taken by {@link #openOrCreate} or the first commit, released by {@link #close}. */
    private WriterLock lock;
    /** Test hook: called after a new part is in place and before the manifest is replaced. */
    Runnable beforeManifestWrite = () -> {};

    private record Loc(Part part, int row) {}

    private static final class Part {
        final String name;
        final int rows;
        final TreeSet<Integer> deleted;
        final List<TrackInfo> infos;
        final FloatBuffer h0;
        final FloatBuffer tokens;
        final FloatBuffer mask;

        Part(String name, int rows, TreeSet<Integer> deleted, List<TrackInfo> infos, FloatBuffer h0, FloatBuffer tokens,
                FloatBuffer mask) {
            this.name = name;
            this.rows = rows;
            this.deleted = deleted;
            this.infos = infos;
            this.h0 = h0;
            this.tokens = tokens;
            this.mask = mask;
        }
    }

    /** The manifest as stored. */
    public record Manifest(String format, int version, int dim, int segments, long generation, List<PartEntry> parts) {}

    public record PartEntry(String name, int rows, List<Integer> deleted) {}

    private FileCatalogStore(Path dir, int dim, int segments) {
        this.dir = dir;
        this.dim = dim;
        this.segments = segments;
    }

    /** Opens an existing catalog (fails with a clear message when {@code dir} holds none). */
    public static FileCatalogStore open(Path dir) {
        Path m = dir.resolve("manifest.json");
        if (!Files.isRegularFile(m)) {
            throw new MgsvException(dir + ": not a catalog (no manifest.json); build one with 'mgsv index'");
        }
        Manifest manifest = readManifest(m);
        FileCatalogStore s = new FileCatalogStore(dir, manifest.dim(), manifest.segments());
        s.load(manifest);
        return s;
    }

    /**
     * Opens the catalog in {@code dir} for writing, or creates an empty one with the given shape when there is
     * none. Holds the catalog's writer lock until {@link #close}: fails at once when another writer holds it.
     */
    public static FileCatalogStore openOrCreate(Path dir, int dim, int segments) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new MgsvException(dir + ": exists and is not a directory");
        }
        refuseForeignDirectory(dir);
        WriterLock lock = WriterLock.acquire(dir, "catalog");
        try {
            FileCatalogStore s;
            if (Files.isRegularFile(dir.resolve("manifest.json"))) {
                s = open(dir);
                if (s.dim != dim || s.segments != segments) {
                    throw new MgsvException(dir + "/manifest.json: catalog holds " + s.segments + "x" + s.dim
                            + " tokens, the model produces " + segments + "x" + dim);
                }
            } else {
                s = new FileCatalogStore(dir, dim, segments);
                s.writeManifest();
            }
            s.lock = lock;
            return s;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * A new catalog goes into an absent or empty directory only: a writer cleans up the catalog's own leftovers
     * ({@code part-*} not in the manifest), which in a folder of the user's would be the user's files.
     */
    private static void refuseForeignDirectory(Path dir) {
        if (!Files.isDirectory(dir) || Files.isRegularFile(dir.resolve("manifest.json"))) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(WriterLock.FILE))
                    .sorted().limit(4).toList();
            if (!names.isEmpty()) {
                throw new MgsvException(dir + ": exists, is not empty and is not a catalog (no manifest.json; it holds "
                        + String.join(", ", names) + (names.size() == 4 ? ", ..." : "") + "): a new catalog needs a "
                        + "new or empty directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes this store the catalog's writer before its first change: takes the lock and checks that no other
     * writer committed since this store read the manifest (its view would otherwise drop their tracks).
     */
    private void becomeWriter() {
        if (lock != null) {
            return;
        }
        WriterLock l = WriterLock.acquire(dir, "catalog");
        long onDisk = readManifest(dir.resolve("manifest.json")).generation();
        if (onDisk != generation) {
            l.close();
            throw new MgsvException(dir + ": catalog changed since it was opened (generation " + generation + ", now "
                    + onDisk + "); reopen it to write");
        }
        lock = l;
    }

    /** Releases the writer lock, if held; staged, uncommitted changes are dropped. */
    @Override
    public synchronized void close() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    private static Manifest readManifest(Path m) {
        Manifest manifest;
        try {
            manifest = JSON.readValue(m.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new MgsvException(m + ": unreadable catalog manifest: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.format())) {
            throw new MgsvException(m + ": field 'format' is '" + manifest.format() + "', expected '" + FORMAT + "'");
        }
        if (manifest.version() != VERSION) {
            throw new MgsvException(m + ": field 'version' is " + manifest.version() + ", this build reads " + VERSION);
        }
        if (manifest.dim() <= 0 || manifest.segments() <= 0) {
            throw new MgsvException(m + ": fields 'dim'/'segments' must be positive");
        }
        return manifest;
    }

    private void load(Manifest manifest) {
        generation = manifest.generation();
        for (PartEntry e : manifest.parts()) {
            Part p = mapPart(e);
            parts.add(p);
            for (int r = 0; r < p.rows; r++) {
                if (!p.deleted.contains(r)) {
                    index.put(p.infos.get(r).id(), new Loc(p, r));
                }
            }
        }
    }

    private Part mapPart(PartEntry e) {
        Path pd = dir.resolve(e.name());
        if (!e.name().matches("part-[0-9]{6,}")) {
            throw new MgsvException(dir.resolve("manifest.json") + ": bad part name '" + e.name() + "'");
        }
        try {
            List<TrackInfo> infos = JSON.readValue(pd.resolve("tracks.json").toFile(), new TypeReference<List<TrackInfo>>() {});
            if (infos.size() != e.rows()) {
                throw new MgsvException(pd.resolve("tracks.json") + ": " + infos.size() + " rows, manifest says " + e.rows());
            }
            FloatBuffer h0 = map(pd.resolve("h0.f32"), (long) e.rows() * dim);
            FloatBuffer tokens = map(pd.resolve("tokens.f32"), (long) e.rows() * segments * dim);
            FloatBuffer mask = map(pd.resolve("mask.f32"), (long) e.rows() * segments);
            return new Part(e.name(), e.rows(), new TreeSet<>(e.deleted() == null ? List.of() : e.deleted()), infos, h0,
                    tokens, mask);
        } catch (IOException ex) {
            throw new MgsvException(pd + ": unreadable catalog part: " + ex.getMessage(), ex);
        }
    }

    private static FloatBuffer map(Path f, long floats) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            if (ch.size() != floats * 4) {
                throw new MgsvException(f + ": " + ch.size() + " bytes, expected " + floats * 4);
            }
            if (floats == 0) {
                return FloatBuffer.allocate(0);
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
    }

    public Path directory() {
        return dir;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int segments() {
        return segments;
    }

    static void checkShape(TrackRecord t, int dim, int segments) {
        if (t.dim() != dim || t.segments() != segments) {
            throw new IllegalArgumentException("track " + t.id() + " has " + t.segments() + "x" + t.dim()
                    + " tokens, the catalog holds " + segments + "x" + dim);
        }
    }

    @Override
    public synchronized void add(TrackRecord track) {
        checkShape(track, dim, segments);
        Loc old = index.get(track.id());
        if (old != null) {
            pendingDeletes.add(old);
        }
        pendingAdds.remove(track.id());
        pendingAdds.put(track.id(), track);
    }

    @Override
    public synchronized boolean remove(String id) {
        boolean found = pendingAdds.remove(id) != null;
        Loc old = index.get(id);
        if (old != null && pendingDeletes.add(old)) {
            found = true;
        }
        return found;
    }

    @Override
    public synchronized void commit() {
        if (pendingAdds.isEmpty() && pendingDeletes.isEmpty()) {
            return;
        }
        becomeWriter();
        List<PartEntry> entries = new ArrayList<>();
        Map<Part, TreeSet<Integer>> newDeleted = new HashMap<>();
        for (Part p : parts) {
            newDeleted.put(p, new TreeSet<>(p.deleted));
        }
        for (Loc l : pendingDeletes) {
            newDeleted.get(l.part()).add(l.row());
        }
        for (Part p : parts) {
            entries.add(new PartEntry(p.name, p.rows, List.copyOf(newDeleted.get(p))));
        }
        publish(entries, new ArrayList<>(pendingAdds.values()));
    }

    /**
     * Writes {@code rows} as new parts, then the manifest naming {@code entries} and them; reloads from what is now
     * on disk, drops the staged changes and deletes the parts no longer named.
     */
    private void publish(List<PartEntry> entries, List<TrackRecord> rows) {
        long gen = writeParts(rows, generation, entries);
        beforeManifestWrite.run();
        Manifest m = new Manifest(FORMAT, VERSION, dim, segments, gen, entries);
        writeManifest(m);
        parts.clear();
        index.clear();
        load(m);
        pendingAdds.clear();
        pendingDeletes.clear();
        deleteOrphans();
    }

    /**
     * Writes {@code rows} as new parts of at most {@link #MAX_PART_ROWS} rows, numbered after generation
     * {@code gen}, and appends their manifest entries; returns the last generation used.
     */
    private long writeParts(List<TrackRecord> rows, long gen, List<PartEntry> entries) {
        for (int from = 0; from < rows.size(); from += MAX_PART_ROWS) {
            List<TrackRecord> chunk = rows.subList(from, Math.min(rows.size(), from + MAX_PART_ROWS));
            gen++;
            String name = partName(gen);
            writePart(dir.resolve(name), chunk);
            entries.add(new PartEntry(name, chunk.size(), List.of()));
        }
        return gen;
    }

    private static String partName(long gen) {
        return String.format(Locale.ROOT, "part-%06d", gen);
    }

    private void writePart(Path target, Collection<TrackRecord> rows) {
        AtomicFiles.writeDirectory(target, d -> {
            List<TrackInfo> infos = new ArrayList<>();
            for (TrackRecord r : rows) {
                infos.add(r.info());
            }
            JSON.writeValue(d.resolve("tracks.json").toFile(), infos);
            writeFloats(d.resolve("h0.f32"), rows, (r, buf) -> buf.put(r.h0()));
            writeFloats(d.resolve("tokens.f32"), rows, (r, buf) -> {
                for (float[] row : r.tokens()) {
                    buf.put(row);
                }
            });
            writeFloats(d.resolve("mask.f32"), rows, (r, buf) -> buf.put(r.mask()));
        });
    }

    private interface RowWriter {
        void put(TrackRecord r, FloatBuffer buf);
    }

    private void writeFloats(Path f, Collection<TrackRecord> rows, RowWriter w) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(segments * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (TrackRecord r : rows) {
                bb.clear();
                FloatBuffer fb = bb.asFloatBuffer();
                w.put(r, fb);
                bb.limit(fb.position() * 4);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            }
            ch.force(true);
        }
    }

    private void writeManifest() {
        writeManifest(new Manifest(FORMAT, VERSION, dim, segments, generation, List.of()));
    }

    private void writeManifest(Manifest m) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(m);
            AtomicFiles.write(dir.resolve("manifest.json"), out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes part directories (and temporary siblings) the manifest does not name: leftovers of killed runs. */
    private void deleteOrphans() {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (Part p : parts) {
            live.add(p.name);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean ours = n.matches("\\.?part-[0-9]{6,}(\\..*)?") || n.startsWith(".manifest.json.");
                if (ours && !live.contains(n)) {
                    AtomicFiles.deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean catalog " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites all live tracks into fresh parts and drops removed rows. */
    @Override
    public synchronized void compact() {
        commit();
        boolean anyDeleted = parts.stream().anyMatch(p -> !p.deleted.isEmpty());
        if (!anyDeleted && parts.size() <= 1) {
            return;
        }
        becomeWriter();
        List<TrackRecord> all = new ArrayList<>();
        for (String id : index.keySet()) {
            all.add(read(index.get(id)));
        }
        publish(new ArrayList<>(), all);
    }

    @Override
    public synchronized boolean contains(String id) {
        if (pendingAdds.containsKey(id)) {
            return true;
        }
        Loc l = index.get(id);
        return l != null && !pendingDeletes.contains(l);
    }

    @Override
    public synchronized Optional<TrackRecord> get(String id) {
        TrackRecord p = pendingAdds.get(id);
        if (p != null) {
            return Optional.of(p);
        }
        Loc l = index.get(id);
        if (l == null || pendingDeletes.contains(l)) {
            return Optional.empty();
        }
        return Optional.of(read(l));
    }

    @Override
    public synchronized Optional<TrackInfo> info(String id) {
        TrackRecord p = pendingAdds.get(id);
        if (p != null) {
            return Optional.of(p.info());
        }
        Loc l = index.get(id);
        if (l == null || pendingDeletes.contains(l)) {
            return Optional.empty();
        }
        return Optional.of(l.part().infos.get(l.row()));
    }

    private TrackRecord read(Loc l) {
        Part p = l.part();
        int r = l.row();
        TrackInfo info = p.infos.get(r);
        float[] h0 = new float[dim];
        p.h0.get(r * dim, h0);
        float[] mask = new float[segments];
        p.mask.get(r * segments, mask);
        float[][] tokens = new float[segments][dim];
        long base = (long) r * segments * dim;
        for (int s = 0; s < segments; s++) {
            p.tokens.get((int) (base + (long) s * dim), tokens[s]);
        }
        return TrackRecord.of(info, tokens, mask, h0);
    }

    @Override
    public synchronized List<String> ids() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Loc> e : index.entrySet()) {
            if (!pendingDeletes.contains(e.getValue()) && !pendingAdds.containsKey(e.getKey())) {
                out.add(e.getKey());
            }
        }
        out.addAll(pendingAdds.keySet());
        return out;
    }

    @Override
    public synchronized int size() {
        // every staged removal or replacement hides exactly one committed row (its Loc came from index)
        return index.size() - pendingDeletes.size() + pendingAdds.size();
    }

    @Override
    public synchronized H0Matrix h0Matrix() {
        List<String> ids = ids();
        float[] data = new float[ids.size() * dim];
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            TrackRecord p = pendingAdds.get(id);
            if (p != null) {
                System.arraycopy(p.h0(), 0, data, i * dim, dim);
            } else {
                Loc l = index.get(id);
                l.part().h0.get(l.row() * dim, data, i * dim, dim);
            }
        }
        return H0Matrix.of(ids, data, dim);
    }
}
