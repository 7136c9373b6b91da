package org.mgsv.search.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class FileCatalogStoreTest extends DurableCatalogStoreTestCase {
    @TempDir Path tmp;
    private int n;

    @Override
    protected CatalogStore create() {
        return FileCatalogStore.openOrCreate(tmp.resolve("cat" + (n++)), DIM, SEG);
    }

    @Override
    protected CatalogStore reopen(CatalogStore previous) {
        return FileCatalogStore.open(((FileCatalogStore) previous).directory());
    }

    @Test
    void crashBetweenPartAndManifestLeavesPreviousCatalog() throws IOException {
        FileCatalogStore s = (FileCatalogStore) create();
        s.add(track("a", 1));
        s.commit();
        s.add(track("b", 2));
        s.beforeManifestWrite = () -> {
            throw new IllegalStateException("killed");
        };
        assertThrows(IllegalStateException.class, s::commit);
        FileCatalogStore t = FileCatalogStore.open(s.directory());
        assertEquals(List.of("a"), t.ids());
        // the orphan part is on disk until the next writer commits, then it is cleaned up
        t.add(track("c", 3));
        t.commit();
        assertEquals(List.of("a", "c"), t.ids());
        try (Stream<Path> files = Files.list(s.directory())) {
            assertEquals(3, files.count(), "manifest + 2 parts, orphans removed");
        }
    }

    @Test
    void killedIndexingProcessLeavesUsableCatalog() throws Exception {
        Path dir = tmp.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Writer.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // wait until a few commits are through, then kill -9 in the middle of the next one
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(dir.resolve("manifest.json"))) {
                try {
                    if (FileCatalogStore.open(dir).size() >= 30) {
                        break;
                    }
                } catch (RuntimeException e) {
                    // manifest replaced while we read a part: try again
                }
            }
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor();
        FileCatalogStore s = FileCatalogStore.open(dir);
        assertTrue(s.size() >= 30, "committed tracks survive: " + s.size());
        for (String id : s.ids()) {
            int i = Integer.parseInt(id.substring(1));
            assertEquals(track(id, i), s.get(id).orElseThrow());
        }
        int before = s.size();
        s.add(track("extra", 99));
        s.commit();
        assertEquals(before + 1, FileCatalogStore.open(dir).size());
    }

    /** Child process: adds tracks forever, committing each. */
    public static final class Writer {
        public static void main(String[] args) {
            FileCatalogStore s = FileCatalogStore.openOrCreate(Path.of(args[0]), DIM, SEG);
            for (int i = 0; ; i++) {
                s.add(track("t" + i, i));
                s.commit();
            }
        }
    }

    @Test
    void openingNonCatalogFailsClearly() {
        MgsvException e = assertThrows(MgsvException.class, () -> FileCatalogStore.open(tmp));
        assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
    }

    @Test
    void corruptManifestNamesFileAndField() throws IOException {
        Path d = tmp.resolve("bad");
        Files.createDirectories(d);
        Files.writeString(d.resolve("manifest.json"),
                "{\"format\":\"other\",\"version\":1,\"dim\":4,\"segments\":2,\"generation\":0,\"parts\":[]}");
        MgsvException e = assertThrows(MgsvException.class, () -> FileCatalogStore.open(d));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("format"), e.getMessage());
    }
}
