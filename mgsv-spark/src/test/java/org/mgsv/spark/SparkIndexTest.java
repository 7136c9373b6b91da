package org.mgsv.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.cli.DistributedEngine;
import org.mgsv.core.MgsvException;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.media.testutil.Ffmpeg;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.Provenance;
import org.mgsv.search.CatalogIndexer;
import org.mgsv.search.DefaultMediaPipeline;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MadeGroundingModel;
import org.mgsv.search.catalog.FileCatalogStore;

/** The Spark index job against the single-process indexer: same catalog contents, also after retries and a kill. */
class SparkIndexTest {
    @TempDir static Path tmp;
    static Path music;
    static Path model;
    static Path reference;

    @BeforeAll
    static void setUp() throws Exception {
        Ffmpeg.assumeAvailable();
        music = Files.createDirectories(tmp.resolve("music"));
        for (int i = 0; i < 6; i++) {
            Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=" + (180 + 90 * i) + ":sample_rate=16000:d=" + (4 + i),
                    music.resolve("t" + i + ".wav").toString());
        }
        Files.write(music.resolve("broken.ogg"), new byte[] {'O', 'g', 'g', 'S', 0, 1});
        model = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelDir.save(model, MadeParams.initialize(MadeConfig.reference(), m, 1), Provenance.of("test", Map.of()));
        }
        reference = tmp.resolve("reference");
        MadeGroundingModel.prepareSearchProcess();
        // the single-process indexer, as `mgsv index --music …` runs it
        try (GroundingModel m = MadeGroundingModel.load(model, 1);
             FileCatalogStore store = FileCatalogStore.openOrCreate(reference, m.dim(), m.segmentSlots())) {
            CatalogIndexer.Summary s = new CatalogIndexer(store, m, new DefaultMediaPipeline(new BuiltinFrameEncoder(),
                    new BuiltinSegmentEncoder(), m.frameSlots(), 1), 16, true)
                    .indexAll(org.mgsv.core.data.MediaFiles.list(music, org.mgsv.core.data.MediaFiles.AUDIO_EXTENSIONS).files(), Map.of(), false);
            assertEquals(1, s.failed().size());
        }
        SharedSpark.get();
    }

    @AfterEach
    void noHook() {
        BatchRunner.faultHook(null);
    }

    static int spark(Path out) {
        return new SparkEngine().index(null, new DistributedEngine.IndexJob(model.toString(), List.of(music.toString()),
                null, out.toString(), "builtin", null, true, 1));
    }

    static void assertSameCatalog(Path out) {
        try (FileCatalogStore want = FileCatalogStore.open(reference); FileCatalogStore got = FileCatalogStore.open(out)) {
            assertEquals(want.ids().stream().sorted().toList(), got.ids().stream().sorted().toList());
            assertEquals(6, got.size());
            for (String id : want.ids()) {
                assertEquals(want.get(id).orElseThrow(), got.get(id).orElseThrow(), id);
            }
        }
        assertFalse(Files.exists(out.resolve("_spark")), "staged records are removed once published");
    }

    @Test
    void sameCatalogAsSingleProcess() {
        Path out = tmp.resolve("plain");
        assertEquals(2, spark(out));
        assertSameCatalog(out);
        assertTrue(Files.isRegularFile(out.resolve("index-rejects.csv")));
        AtomicInteger processed = new AtomicInteger();
        BatchRunner.faultHook((p, a, i, w) -> processed.incrementAndGet());
        assertEquals(2, spark(out));
        assertEquals(0, processed.get(), "indexed tracks are skipped on a rerun");
        assertSameCatalog(out);
    }

    @Test
    void theIndexCommandRunsTheSparkEngine() {
        Path out = tmp.resolve("cli");
        int code = org.mgsv.app.Main.commandLine().execute("index", "--engine", "spark", "--model", model.toString(),
                "--music", music.toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(2, code, "the broken file makes the exit code 2");
        assertSameCatalog(out);
        assertTrue(Files.isRegularFile(out.resolve("index-info.json")));
        assertEquals(1, org.mgsv.app.Main.commandLine().execute("index", "--engine", "nope", "--model", model.toString(),
                "--music", music.toString(), "--out", out.toString()));
    }

    @Test
    void retriedAndKilledRunsEndWithTheSameCatalog() throws java.io.IOException {
        Path retried = tmp.resolve("retried");
        BatchRunner.faultHook((p, a, i, w) -> {
            if (p == 0 && a == 0 && i == 0) {
                throw new BatchRunner.InjectedFault("injected failure in " + w.id());
            }
        });
        assertEquals(2, spark(retried));
        assertSameCatalog(retried);

        Path killed = tmp.resolve("killed");
        BatchRunner.faultHook((p, a, i, w) -> {
            if (p == 1) {
                throw new BatchRunner.InjectedFault("injected failure in " + w.id());
            }
        });
        assertThrows(MgsvException.class, () -> spark(killed));
        assertTrue(Files.isDirectory(killed.resolve("_spark/tracks")), "tracks staged before the kill are kept");
        java.util.Set<String> staged;
        try (var l = Files.list(killed.resolve("_spark/tracks"))) {
            staged = l.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".rec"))
                    .map(n -> n.substring(0, n.length() - 4)).collect(java.util.stream.Collectors.toSet());
        }
        assertTrue(!staged.isEmpty() && staged.size() < 6, "staged " + staged);
        java.util.Set<String> processed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        BatchRunner.faultHook((p, a, i, w) -> processed.add(w.id()));
        assertEquals(2, spark(killed));
        assertTrue(java.util.Collections.disjoint(staged, processed), "staged tracks are not redone: " + processed);
        assertSameCatalog(killed);
    }
}
