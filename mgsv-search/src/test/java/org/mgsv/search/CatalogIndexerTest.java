package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.search.catalog.InMemoryCatalogStore;

/** Every file gets its own track or a reported collision: no track vanishes because two files share an id. */
class CatalogIndexerTest {
    @TempDir Path tmp;

    /** Features from the file name: no decoding, so the test is about ids only. */
    static final class NameMedia implements MediaPipeline {
        private final int segs;
        private final int dim;

        NameMedia(int segs, int dim) {
            this.segs = segs;
            this.dim = dim;
        }

        @Override
        public ExtractedVideo video(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ExtractedMusic music(Path file) {
            java.util.Random r = new java.util.Random(file.getFileName().toString().hashCode());
            return new ExtractedMusic(RandomFeatures.feats(r, segs, dim, segs), RandomFeatures.mask(segs, segs), 240);
        }

        @Override
        public float[] audio(Path file, int sampleRate, double start, double end) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String name() {
            return "names/names";
        }
    }

    private CatalogIndexer indexer(InMemoryCatalogStore store, SyntheticGroundingModel m) {
        return new CatalogIndexer(store, m, new NameMedia(m.segmentSlots(), m.segmentFeatureDim()), 4, false);
    }

    @Test
    void nonAsciiNamesGetOneTrackEach() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("music"));
        List<String> names = List.of("Привет.ogg", "Пока.ogg", "Спасибо.ogg", "夜の歌.mp3", "朝の歌.mp3");
        for (String n : names) {
            Files.writeString(dir.resolve(n), "x");
        }
        SyntheticGroundingModel m = new SyntheticGroundingModel(16, 4, 8, 4, 8, 1);
        InMemoryCatalogStore store = new InMemoryCatalogStore(m.dim(), m.segmentSlots());
        CatalogIndexer.Summary s = indexer(store, m).indexAll(MediaFiles.list(dir, MediaFiles.AUDIO_EXTENSIONS).files(),
                Map.of(), false);
        assertEquals(5, s.added(), s.failed().toString());
        assertEquals(5, store.size());
        assertTrue(store.contains("夜の歌") && store.contains("Привет"), store.ids().toString());
    }

    @Test
    void twoFilesWithOneIdAreReportedNotMerged() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("music"));
        Files.writeString(dir.resolve("sad.OGG"), "x");
        Files.writeString(dir.resolve("sad.mp3"), "x");
        Files.writeString(dir.resolve("happy.mp3"), "x");
        SyntheticGroundingModel m = new SyntheticGroundingModel(16, 4, 8, 4, 8, 1);
        InMemoryCatalogStore store = new InMemoryCatalogStore(m.dim(), m.segmentSlots());
        CatalogIndexer.Summary s = indexer(store, m).indexAll(MediaFiles.list(dir, MediaFiles.AUDIO_EXTENSIONS).files(),
                Map.of(), false);
        assertEquals(2, s.added());
        assertEquals(1, s.failed().size(), s.failed().toString());
        String f = s.failed().get(0);
        assertTrue(f.contains("'sad'") && f.contains("sad.OGG") && f.contains("sad.mp3"), f);
        assertEquals(dir.resolve("sad.OGG").toAbsolutePath().toString(), store.info("sad").orElseThrow().sourcePath());

        // a later run: the new file's id is held by another file that still exists
        Path other = Files.createDirectories(tmp.resolve("more"));
        Files.writeString(other.resolve("happy.wav"), "x");
        CatalogIndexer.Summary again = indexer(store, m).indexAll(List.of(dir.resolve("happy.mp3"), other.resolve("happy.wav")),
                Map.of(), false);
        assertEquals(0, again.added());
        assertEquals(1, again.skipped(), "the file the catalog already holds is skipped");
        assertEquals(1, again.failed().size(), again.failed().toString());
        assertTrue(again.failed().get(0).contains("happy.wav"), again.failed().get(0));

        // and across runs: the catalog's "sad" comes from sad.OGG, which still exists
        CatalogIndexer.Summary third = indexer(store, m).indexAll(List.of(dir.resolve("sad.mp3")), Map.of(), false);
        assertEquals(0, third.added());
        assertEquals(1, third.failed().size(), third.failed().toString());
        assertTrue(third.failed().get(0).contains("sad.OGG"), third.failed().get(0));
    }

    @Test
    void metaIdsMustBeUniqueAndValid() throws Exception {
        Path dup = Files.writeString(tmp.resolve("dup.csv"), "file,id,title\na.mp3,x,A\nb.mp3,x,B\n");
        MgsvException e = assertThrows(MgsvException.class, () -> CatalogIndexer.readMeta(dup));
        assertTrue(e.getMessage().contains("dup.csv:3") && e.getMessage().contains("'x'")
                && e.getMessage().contains("line 2"), e.getMessage());
        Path twice = Files.writeString(tmp.resolve("twice.csv"), "file,title\na.mp3,A\na.mp3,B\n");
        e = assertThrows(MgsvException.class, () -> CatalogIndexer.readMeta(twice));
        assertTrue(e.getMessage().contains("twice.csv:3") && e.getMessage().contains("a.mp3"), e.getMessage());
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "file,id\na.mp3,has/slash\n");
        e = assertThrows(MgsvException.class, () -> CatalogIndexer.readMeta(bad));
        assertTrue(e.getMessage().contains("bad.csv:2") && e.getMessage().contains("'id'"), e.getMessage());
        Path ok = Files.writeString(tmp.resolve("ok.csv"), "file,id\nb.mp3,Песня\n");
        assertEquals("Песня", CatalogIndexer.readMeta(ok).get("b.mp3").id());

        // a --meta id equal to another file's own id is a collision too
        Path dir = Files.createDirectories(tmp.resolve("music"));
        Files.writeString(dir.resolve("a.mp3"), "x");
        Files.writeString(dir.resolve("b.mp3"), "x");
        SyntheticGroundingModel m = new SyntheticGroundingModel(16, 4, 8, 4, 8, 1);
        InMemoryCatalogStore store = new InMemoryCatalogStore(m.dim(), m.segmentSlots());
        Map<String, CatalogIndexer.Meta> meta = CatalogIndexer.readMeta(Files.writeString(tmp.resolve("m.csv"),
                "file,id\nb.mp3,a\n"));
        CatalogIndexer.Summary s = indexer(store, m).indexAll(List.of(dir.resolve("a.mp3"), dir.resolve("b.mp3")), meta,
                false);
        assertEquals(1, s.added());
        assertEquals(1, s.failed().size(), s.failed().toString());
        Set<String> ids = new HashSet<>(store.ids());
        assertEquals(Set.of("a"), ids);
    }

    @Test
    void aCatalogOfTheOldIdsIsNotIndexedTwice() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("music"));
        Path song = Files.writeString(dir.resolve("My Song (live).ogg"), "x");
        SyntheticGroundingModel m = new SyntheticGroundingModel(16, 4, 8, 4, 8, 1);
        InMemoryCatalogStore store = new InMemoryCatalogStore(m.dim(), m.segmentSlots());
        // as an earlier version indexed it
        org.mgsv.search.catalog.TrackRecord r = indexer(store, m).indexFile(song, new CatalogIndexer.Meta(
                "My_Song__live_", "", "", ""));
        assertEquals("My_Song__live_", r.id());
        CatalogIndexer.Summary s = indexer(store, m).indexAll(List.of(song), Map.of(), false);
        assertEquals(0, s.added());
        assertEquals(1, s.skipped());
        assertEquals(1, store.size());
    }

    @Test
    void aFileThatRunsOutOfMemoryIsReportedAndTheBatchGoesOn() {
        SyntheticGroundingModel m = new SyntheticGroundingModel(16, 4, 8, 4, 8, 1);
        NameMedia names = new NameMedia(m.segmentSlots(), m.segmentFeatureDim());
        MediaPipeline media = new MediaPipeline() {
            @Override
            public ExtractedVideo video(Path file) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ExtractedMusic music(Path file) {
                String n = file.getFileName().toString();
                if (n.startsWith("huge")) {
                    throw new OutOfMemoryError("Java heap space");
                }
                if (n.startsWith("bad")) {
                    throw new MgsvException("corrupt audio in " + file);
                }
                return names.music(file);
            }

            @Override
            public float[] audio(Path file, int sampleRate, double start, double end) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String name() {
                return names.name();
            }
        };
        InMemoryCatalogStore store = new InMemoryCatalogStore(m.dim(), m.segmentSlots());
        CatalogIndexer.Summary s = new CatalogIndexer(store, m, media, 16, false)
                .indexAll(List.of(Path.of("a.ogg"), Path.of("huge.ogg"), Path.of("bad.ogg"), Path.of("z.ogg")),
                        Map.of(), false);
        assertEquals(2, s.added());
        assertEquals(2, s.failed().size(), s.failed().toString());
        assertTrue(s.failed().get(0).startsWith("huge.ogg: out of memory"), s.failed().get(0));
        assertTrue(store.contains("a") && store.contains("z"));
    }

    @Test
    void aMetadataCsvWithAByteOrderMarkIsRead() throws Exception {
        Path csv = tmp.resolve("tracks.csv");
        Files.writeString(csv, "\uFEFFfile,title,artist,licence\r\nsad.ogg,Sad,Me,CC0\r\n");
        Map<String, CatalogIndexer.Meta> meta = CatalogIndexer.readMeta(csv);
        assertEquals("Sad", meta.get("sad.ogg").title());
    }
}
