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
import java.util.stream.Stream;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.TrackRecord;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.CsvLine;
import org.mgsv.core.util.ProgressBar;

/**
 * Adds the audio files of a folder to a catalog: media pipeline (decode + AST windows + segment encoder) → the
 * model's music tower → segment tokens, h0, duration, metadata and (when a beat tracker is available) beats.
 * Incremental: files whose id is already in the catalog are skipped. Commits every {@code commitEvery} tracks,
 * so a killed run keeps what it finished. Unreadable files are reported and skipped.
 */
public final class CatalogIndexer {
    public static final List<String> AUDIO_EXTENSIONS = List.of(".ogg", ".oga", ".mp3", ".wav", ".flac", ".m4a",
            ".aac", ".opus", ".wma");

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

    /** The audio files under {@code dir} (recursively; or the file itself), sorted. */
    public static List<Path> audioFiles(Path dir) {
        if (Files.isRegularFile(dir)) {
            return List.of(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new MgsvException(dir + ": no such file or directory");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return AUDIO_EXTENSIONS.stream().anyMatch(n::endsWith);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Track id of a file: its name without extension, with unsupported characters replaced. */
    public static String idOf(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return TrackRecord.idFromName(dot > 0 ? n.substring(0, dot) : n);
    }

    /**
     * Reads a metadata CSV with a header naming at least {@code file} (file name) and any of {@code id, title,
     * artist, licence} (or {@code license}). Quoted fields may contain commas. Keyed by file name.
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
            if (!id.isEmpty() && !TrackRecord.isValidId(id)) {
                throw new MgsvException(csv + ":" + (ln + 1) + ": field 'id' '" + id
                        + "' is not a valid id (letters, digits, '.', '_', '-')");
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
        MediaPipeline.MusicFeatures f = media.music(file);
        GroundingModel.EncodedMusic m = model.encodeMusic(f.segmentFeatures(), f.mask());
        double[][] b = beats ? media.beats(file) : null;
        String id = meta != null && meta.id() != null ? meta.id() : idOf(file);
        String title = meta != null && !meta.title().isEmpty() ? meta.title() : prettyTitle(file);
        TrackRecord r = new TrackRecord(id, title, meta == null ? "" : meta.artist(), meta == null ? "" : meta.licence(),
                f.durationSeconds(), file.toAbsolutePath().toString(), m.tokens(), m.mask(), m.h0(),
                b == null ? null : b[0], b == null || b.length < 2 ? null : b[1]);
        store.add(r);
        return r;
    }

    private static String prettyTitle(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        n = (dot > 0 ? n.substring(0, dot) : n).replace('_', ' ').replace('-', ' ').strip();
        return n.isEmpty() ? n : Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /** Indexes every audio file not yet in the catalog; progress on stderr when {@code progress}. */
    public Summary indexAll(List<Path> files, Map<String, Meta> meta, boolean progress) {
        List<Path> todo = new ArrayList<>();
        int skipped = 0;
        for (Path f : files) {
            Meta m = meta.get(f.getFileName().toString());
            String id = m != null && m.id() != null ? m.id() : idOf(f);
            if (store.contains(id)) {
                skipped++;
            } else {
                todo.add(f);
            }
        }
        List<String> failed = new ArrayList<>();
        int added = 0;
        int sinceCommit = 0;
        try (ProgressBar bar = progress ? new ProgressBar("index", todo.size()) : null) {
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
