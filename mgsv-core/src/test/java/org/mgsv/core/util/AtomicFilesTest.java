package org.mgsv.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path tmp;

    @Test
    void outputsAreReadableByOthersNotPrivateLikeTempFiles() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path f = tmp.resolve("a.txt");
        AtomicFiles.writeString(f, "x");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Path d = tmp.resolve("dir");
        AtomicFiles.writeDirectory(d, dir -> Files.writeString(dir.resolve("b"), "y"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    }

    @Test
    void failedWritesLeaveNothing() throws IOException {
        Path f = tmp.resolve("a.txt");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("stop");
        }));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeDirectory(tmp.resolve("d"), dir -> {
            Files.writeString(dir.resolve("b"), "y");
            throw new IllegalStateException("stop");
        }));
        assertFalse(Files.exists(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
    }

    private static java.util.List<String> names(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aKillBetweenTheRenamesIsRecoveredByTheNextWriteOrRecovery() throws IOException {
        Path d = tmp.resolve("last");
        AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("epoch"), "1"));
        AtomicFiles.betweenRenames = () -> {
            throw new IllegalStateException("killed");
        };
        try {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("epoch"), "2")));
        } finally {
            AtomicFiles.betweenRenames = () -> {};
        }
        // what a kill there leaves: no target, both complete versions hidden
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(d));
        assertEquals(2, names(tmp).size(), names(tmp).toString());
        org.junit.jupiter.api.Assertions.assertTrue(AtomicFiles.recoverDirectory(d));
        assertEquals("2", Files.readString(d.resolve("epoch")), "the newest complete version is back");
        assertEquals(java.util.List.of("last"), names(tmp));
    }

    @Test
    void aKillBeforeTheOldIsMovedAsideKeepsTheNewVersionAndTemporariesAreCleaned() throws IOException {
        Path d = tmp.resolve("m");
        AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("v"), "1"));
        Files.createDirectories(tmp.resolve(".m.123456789")); // an unfinished temporary of a killed write
        AtomicFiles.beforeSwap = () -> {
            throw new IllegalStateException("killed");
        };
        try {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("v"), "2")));
        } finally {
            AtomicFiles.beforeSwap = () -> {};
        }
        AtomicFiles.writeDirectory(tmp.resolve("other"), t -> Files.writeString(t.resolve("v"), "x"));
        assertEquals("1", Files.readString(d.resolve("v")));
        AtomicFiles.writeDirectory(d, t -> Files.writeString(t.resolve("v"), "3"));
        assertEquals("3", Files.readString(d.resolve("v")));
        assertEquals(java.util.List.of("m", "other"), names(tmp));
    }
}
