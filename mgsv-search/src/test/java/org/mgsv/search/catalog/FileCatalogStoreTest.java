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
        previous.close(); // as when its process ends: the writer lock goes with it
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
        s.close(); // the killed process's lock goes with it
        FileCatalogStore t = FileCatalogStore.open(s.directory());
        assertEquals(List.of("a"), t.ids());
        // the orphan part is on disk until the next writer commits, then it is cleaned up
        t.add(track("c", 3));
        t.commit();
        assertEquals(List.of("a", "c"), t.ids());
        try (Stream<Path> files = Files.list(s.directory())) {
            assertEquals(3, files.filter(f -> !f.getFileName().toString().equals(org.mgsv.core.util.WriterLock.FILE))
                    .count(), "manifest + 2 parts, orphans removed");
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
    void secondWriterInAnotherProcessIsRefusedAndAKilledWritersLockIsNotStale() throws Exception {
        Path dir = tmp.resolve("shared");
        FileCatalogStore seed = FileCatalogStore.openOrCreate(dir, DIM, SEG);
        seed.add(track("a", 1));
        seed.commit();
        seed.close();
        Process p = startHolder(dir);
        try {
            MgsvException e = assertThrows(MgsvException.class, () -> FileCatalogStore.openOrCreate(dir, DIM, SEG));
            assertTrue(e.getMessage().contains("in use by another mgsv process") && e.getMessage().contains("pid "
                    + p.pid()), e.getMessage());
            // a reader opens fine, but cannot become a second writer either
            FileCatalogStore r = FileCatalogStore.open(dir);
            assertEquals(List.of("a", "h"), r.ids());
            r.add(track("b", 2));
            assertThrows(MgsvException.class, r::commit);
            r.close();
        } finally {
            p.destroyForcibly().waitFor(); // kill -9: the OS drops the lock, the lock file stays
        }
        assertTrue(Files.exists(dir.resolve(org.mgsv.core.util.WriterLock.FILE)));
        try (FileCatalogStore w = FileCatalogStore.openOrCreate(dir, DIM, SEG)) {
            w.add(track("c", 3));
            w.commit();
            assertEquals(List.of("a", "h", "c"), w.ids());
        }
    }

    @Test
    void aNewCatalogIsNeverCreatedOverTheUsersFiles() throws IOException {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir.resolve("part-1"));
        Files.createDirectories(dir.resolve("part-000007"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        MgsvException e = assertThrows(MgsvException.class, () -> FileCatalogStore.openOrCreate(dir, DIM, SEG));
        assertTrue(e.getMessage().contains("not a catalog") && e.getMessage().contains("notes.txt"), e.getMessage());
        assertTrue(Files.isDirectory(dir.resolve("part-1")) && Files.isDirectory(dir.resolve("part-000007"))
                && Files.isRegularFile(dir.resolve("notes.txt")));
        assertTrue(!Files.exists(dir.resolve("manifest.json")));
    }

    @Test
    void aReaderThatFellBehindCannotOverwriteANewerCommit() {
        Path dir = tmp.resolve("behind");
        FileCatalogStore w = FileCatalogStore.openOrCreate(dir, DIM, SEG);
        FileCatalogStore r = FileCatalogStore.open(dir);
        w.add(track("a", 1));
        w.commit();
        w.close();
        r.add(track("b", 2));
        MgsvException e = assertThrows(MgsvException.class, r::commit);
        assertTrue(e.getMessage().contains("changed since it was opened"), e.getMessage());
        assertEquals(List.of("a"), FileCatalogStore.open(dir).ids());
    }

    /** Starts a child JVM that opens {@code dir} as writer, commits one track and holds the lock until killed. */
    static Process startHolder(Path dir) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                dir.toString()).redirectErrorStream(true).start();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        String line = in.readLine();
        if (!"locked".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("holder did not start: " + line);
        }
        return p;
    }

    /** Child process: the catalog's writer, holding it until killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            FileCatalogStore s = FileCatalogStore.openOrCreate(Path.of(args[0]), DIM, SEG);
            s.add(track("h", 8));
            s.commit();
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
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
