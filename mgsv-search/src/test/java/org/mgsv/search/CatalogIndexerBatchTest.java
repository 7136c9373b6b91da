package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgsv.search.catalog.InMemoryCatalogStore;

/** One file that cannot be indexed, even for want of memory, is reported; the rest of the batch is indexed. */
class CatalogIndexerBatchTest {
    @Test
    void aFileThatRunsOutOfMemoryIsReportedAndTheBatchGoesOn() {
        MediaPipeline media = new MediaPipeline() {
            @Override
            public VideoFeatures video(Path file) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MusicFeatures music(Path file) {
                if (file.getFileName().toString().startsWith("huge")) {
                    throw new OutOfMemoryError("Java heap space");
                }
                if (file.getFileName().toString().startsWith("bad")) {
                    throw new org.mgsv.core.MgsvException("corrupt audio in " + file);
                }
                float[][] f = new float[96][768];
                float[] m = new float[96];
                m[0] = 1;
                f[0][0] = 1;
                return new MusicFeatures(f, m, 30);
            }

            @Override
            public float[] audio(Path file, int sampleRate, double start, double end) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String name() {
                return "test";
            }
        };
        InMemoryCatalogStore store = new InMemoryCatalogStore(256, 96);
        CatalogIndexer.Summary s = new CatalogIndexer(store, new SyntheticGroundingModel(), media, 16, false)
                .indexAll(List.of(Path.of("a.ogg"), Path.of("huge.ogg"), Path.of("bad.ogg"), Path.of("z.ogg")),
                        Map.of(), false);
        assertEquals(2, s.added());
        assertEquals(2, s.failed().size(), s.failed().toString());
        assertTrue(s.failed().get(0).startsWith("huge.ogg: out of memory"), s.failed().get(0));
        assertTrue(store.contains("a") && store.contains("z"));
    }

    @Test
    void aMetadataCsvWithAByteOrderMarkIsRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path csv = dir.resolve("tracks.csv");
        java.nio.file.Files.writeString(csv, "\uFEFFfile,title,artist,licence\r\nsad.ogg,Sad,Me,CC0\r\n");
        Map<String, CatalogIndexer.Meta> m = CatalogIndexer.readMeta(csv);
        assertEquals("Sad", m.get("sad.ogg").title());
    }
}
