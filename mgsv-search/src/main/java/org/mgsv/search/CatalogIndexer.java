package org.mgsv.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.CsvLine;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.TrackInfo;
import org.mgsv.search.catalog.TrackRecord;

/**
 * Adds the audio files of a folder to a catalog: media pipeline (decode + AST windows + segment encoder) → the
 * model's music tower → segment tokens, h0, duration, metadata and (when a beat tracker is available) beats.
 * Incremental: files whose id is already in the catalog are skipped. Commits every {@code commitEvery} tracks,
 * so a killed run keeps what it finished. Unreadable files are reported and skipped. Files are found by
 * {@link MediaFiles#list} and named by {@link MediaFiles#idOf} (or their {@code --meta} id); two files with one
 * id — in one run, or a new file whose id an existing, still present file of the catalog holds — are reported
 * as failed instead of one replacing the other.
 */
public final class CatalogIndexer {
    private final CatalogStore store;
    private final GroundingModel model;
    private final MediaPipeline media;
    private final int commitEvery;
    private final boolean beats;

    /** Metadata of one file from a CSV. */
    public record Meta(String id, String title, String artist, String licence) {}

    /** What a run did. */
    public record Summary(int added, int skipped, List<String> failed) {}

    public CatalogIndexer(CatalogStore store, GroundingModel model, MediaPipeline media, int commitEvery,
            boolean beats) {
        this.store = store;
        this.model = model;
        this.media = media;
        this.commitEvery = Math.max(1, commitEvery);
        this.beats = beats;
    }

    /**
     * Reads a metadata CSV with a header naming at least {@code file} (file name) and any of {@code id, title,
     * artist, licence} (or {@code license}). Quoted fields may contain commas. Keyed by file name. A file listed
     * twice, two rows with one id and an invalid id are errors naming the lines.
     */
    public static Map<String, Meta> readMeta(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MgsvException(csv + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new MgsvException(csv + ": empty (expected a header line with a 'file' column)");
        }
        // a spreadsheet's UTF-8 byte order mark is not part of the first column's name
        String first = lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(0);
        List<String> head = CsvLine.split(first);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < head.size(); i++) {
            col.put(head.get(i).strip().toLowerCase(Locale.ROOT).replace("license", "licence"), i);
        }
        if (!col.containsKey("file")) {
            throw new MgsvException(csv + ":1: header has no 'file' column (columns: file,id,title,artist,licence)");
        }
        Map<String, Meta> out = new HashMap<>();
        Map<String, Integer> fileLine = new HashMap<>();
        Map<String, Integer> idLine = new HashMap<>();
        for (int ln = 1; ln < lines.size(); ln++) {
            if (lines.get(ln).isBlank()) {
                continue;
            }
            List<String> f = CsvLine.split(lines.get(ln));
            String file = get(f, col.get("file"));
            if (file.isEmpty()) {
                throw new MgsvException(csv + ":" + (ln + 1) + ": field 'file' is empty");
            }
            String id = col.containsKey("id") ? get(f, col.get("id")) : "";
            if (!id.isEmpty() && !MediaFiles.isValidId(id)) {
                throw new MgsvException(csv + ":" + (ln + 1) + ": field 'id' '" + id + "' is not a valid id ("
                        + MediaFiles.ID_RULE + ")");
            }
            Integer before = fileLine.putIfAbsent(file, ln + 1);
            if (before != null) {
                throw new MgsvException(csv + ":" + (ln + 1) + ": field 'file' '" + file + "' is listed again (first on"
                        + " line " + before + ")");
            }
            if (!id.isEmpty() && (before = idLine.putIfAbsent(id, ln + 1)) != null) {
                throw new MgsvException(csv + ":" + (ln + 1) + ": field 'id' '" + id + "' is already the id of line "
                        + before + " (ids must be unique)");
            }
            out.put(file, new Meta(id.isEmpty() ? null : id, get(f, col.get("title")), get(f, col.get("artist")),
                    get(f, col.get("licence"))));
        }
        return out;
    }

    private static String get(List<String> f, Integer i) {
        return i == null || i >= f.size() ? "" : f.get(i).strip();
    }

    /** Indexes one file (no commit). */
    public TrackRecord indexFile(Path file, Meta meta) {
        MediaPipeline.ExtractedMusic f = media.music(file);
        GroundingModel.EncodedMusic m = model.encodeMusic(f.segmentFeatures(), f.mask());
        double[][] b = beats ? media.beats(file) : null;
        String id = idOf(file, meta);
        String title = meta != null && !meta.title().isEmpty() ? meta.title() : prettyTitle(file);
        TrackRecord r = TrackRecord.builder(id).title(title).artist(meta == null ? "" : meta.artist())
                .licence(meta == null ? "" : meta.licence()).durationSeconds(f.durationSeconds())
                .sourcePath(file.toAbsolutePath().toString()).vectors(m.tokens(), m.mask(), m.h0())
                .beats(b == null ? null : b[0], b == null || b.length < 2 ? null : b[1]).build();
        store.add(r);
        return r;
    }

    private static String prettyTitle(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        n = (dot > 0 ? n.substring(0, dot) : n).replace('_', ' ').replace('-', ' ').strip();
        return n.isEmpty() ? n : Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /** The id a file gets: its {@code --meta} id, else {@link MediaFiles#idOf}. */
    public static String idOf(Path file, Meta meta) {
        return meta != null && meta.id() != null ? meta.id() : MediaFiles.idOf(file);
    }

    /**
     * Why the catalog's track {@code id} is not {@code file}, or null when it is (the same source, or a source
     * that no longer exists: the music moved).
     */
    public static String otherSource(TrackInfo held, Path file) {
        String src = held.sourcePath();
        if (src.isEmpty() || src.equals(file.toAbsolutePath().toString())) {
            return null;
        }
        Path p = Path.of(src);
        try {
            return Files.exists(p) && !Files.isSameFile(p, file) ? src : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * True when a catalog written before ids kept whole names holds {@code file} under the id its name gave then
     * (ASCII letters, digits and {@code . _ -} kept, every other UTF-16 unit {@code _}), from the same source:
     * such a file is already indexed, not a new track.
     */
    public static boolean heldUnderOldId(CatalogStore store, Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stem.length() && sb.length() < MediaFiles.MAX_ID_CHARS; i++) {
            char c = stem.charAt(i);
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            sb.append(sb.length() == 0 && c == '.' ? '_' : keep ? c : '_');
        }
        String old = sb.toString();
        return !old.equals(MediaFiles.idOf(file)) && store.info(old).map(t -> t.sourcePath().equals(file.toAbsolutePath().toString()))
                .orElse(false);
    }

    /** Indexes every audio file not yet in the catalog; progress on stderr when {@code progress}. */
    public Summary indexAll(List<Path> files, Map<String, Meta> meta, boolean progress) {
        List<Path> todo = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int skipped = 0;
        MediaFiles.IdClaims ids = new MediaFiles.IdClaims();
        for (Path f : files) {
            Meta m = meta.get(f.getFileName().toString());
            String id = idOf(f, m);
            String first = ids.claim(id, f.toString());
            String held = first != null ? first : store.info(id).map(t -> otherSource(t, f)).orElse(null);
            if (held != null) {
                failed.add(f.getFileName() + ": " + MediaFiles.IdClaims.collision("track", id, f.toString(), held)
                        + "; or give one an id in --meta");
            } else if (store.contains(id) || (m == null || m.id() == null) && heldUnderOldId(store, f)) {
                skipped++;
            } else {
                todo.add(f);
            }
        }
        int added = 0;
        int sinceCommit = 0;
        try (ConsoleProgress bar = progress ? new ConsoleProgress("index", todo.size()) : null) {
            for (Path f : todo) {
                try {
                    indexFile(f, meta.get(f.getFileName().toString()));
                    added++;
                    if (++sinceCommit >= commitEvery) {
                        store.commit();
                        sinceCommit = 0;
                    }
                } catch (OutOfMemoryError e) {
                    // what the file needed was local to it and is garbage now: the batch goes on
                    failed.add(f.getFileName() + ": out of memory (" + e.getMessage() + ")");
                } catch (RuntimeException e) {
                    // one bad file never aborts the batch: report it and go on
                    failed.add(f.getFileName() + ": " + (e instanceof MgsvException || e instanceof UncheckedIOException
                            ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
                if (bar != null) {
                    bar.step();
                }
            }
        }
        store.commit();
        return new Summary(added, skipped, failed);
    }
}
