package org.mgsv.core.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic writes: everything is written to a temporary sibling and renamed into place only when complete, so
 * an interrupted run never leaves a file (or directory) that looks valid.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a file's content. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Something that fills a directory. */
    @FunctionalInterface
    public interface DirWriter {
        void write(Path dir) throws IOException;
    }

    /** Writes {@code target} via a temporary sibling + atomic rename. */
    public static void write(Path target, StreamWriter writer) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                    writer.write(out);
                }
                setReadable(tmp, false);
                move(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    public static void writeString(Path target, String content) {
        write(target, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Builds a directory in a temporary sibling and renames it into place. An existing target is replaced
     * (moved aside first, then deleted), so readers see either the old or the new complete directory.
     *
     * <p>The publish is recoverable: the filled temporary is first renamed to {@code .<name>.new-<n>} (complete by
     * its name), then the old target is moved to {@code .<name>.old-<n>}, then the new one into place. A process
     * killed between those renames leaves the target absent but both complete versions on disk; the next
     * {@link #recoverDirectory} (which every write of the same target runs first) puts the newest back.
     */
    public static void writeDirectory(Path target, DirWriter writer) {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        try {
            Files.createDirectories(parent);
            recoverDirectory(abs);
            Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
            Path ready = null;
            try {
                writer.write(tmp);
                setReadable(tmp, true);
                ready = parent.resolve("." + abs.getFileName() + ".new-" + System.nanoTime());
                Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
                beforeSwap.run();
                Path old = null;
                if (Files.exists(abs)) {
                    old = parent.resolve("." + abs.getFileName() + ".old-" + System.nanoTime());
                    Files.move(abs, old);
                }
                betweenRenames.run();
                Files.move(ready, abs, StandardCopyOption.ATOMIC_MOVE);
                ready = null;
                if (old != null) {
                    deleteRecursively(old);
                }
            } finally {
                if (Files.exists(tmp)) {
                    deleteRecursively(tmp);
                }
                if (ready != null && Files.exists(abs)) {
                    deleteRecursively(ready); // failed (not killed) before the swap: the target is untouched
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Test hooks: run between the renames of {@link #writeDirectory} (a throw there acts as a kill). */
    static Runnable beforeSwap = () -> {};
    static Runnable betweenRenames = () -> {};

    /**
     * Repairs what a killed {@link #writeDirectory} of {@code target} left: when a complete new version
     * ({@code .<name>.new-<n>}) exists it becomes the target; else, when the target is absent, the complete
     * previous version ({@code .<name>.old-<n>}) goes back; every other leftover sibling (older versions,
     * unfinished temporaries {@code .<name>.<digits>}) is deleted. Call it only as the target's writer.
     *
     * @return true when a hidden version was put back into place
     */
    public static boolean recoverDirectory(Path target) {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        if (!Files.isDirectory(parent)) {
            return false;
        }
        String prefix = "." + abs.getFileName() + ".";
        java.util.TreeMap<Long, Path> news = new java.util.TreeMap<>();
        java.util.TreeMap<Long, Path> olds = new java.util.TreeMap<>();
        java.util.List<Path> temps = new java.util.ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix)) {
                    continue;
                }
                String rest = n.substring(prefix.length());
                if (rest.matches("new-[0-9]+")) {
                    news.put(Long.parseLong(rest.substring(4)), p);
                } else if (rest.matches("old-[0-9]+")) {
                    olds.put(Long.parseLong(rest.substring(4)), p);
                } else if (rest.matches("[0-9]+") && Files.isDirectory(p)) {
                    temps.add(p);
                }
            }
            boolean recovered = false;
            if (!news.isEmpty()) {
                Path newest = news.pollLastEntry().getValue();
                if (Files.exists(abs)) {
                    Path aside = parent.resolve(prefix + "old-" + System.nanoTime());
                    Files.move(abs, aside);
                    olds.put(Long.MAX_VALUE, aside);
                }
                Files.move(newest, abs, StandardCopyOption.ATOMIC_MOVE);
                recovered = true;
            } else if (!Files.exists(abs) && !olds.isEmpty()) {
                Files.move(olds.pollLastEntry().getValue(), abs, StandardCopyOption.ATOMIC_MOVE);
                recovered = true;
            }
            for (Path p : news.values()) {
                deleteRecursively(p);
            }
            for (Path p : olds.values()) {
                deleteRecursively(p);
            }
            for (Path p : temps) {
                deleteRecursively(p);
            }
            return recovered;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Temp files/dirs are created owner-only (0600/0700); the finished output gets the usual 0644/0755 so
     * reports, catalogs and models are readable by a web server or another user.
     */
    private static void setReadable(Path p, boolean dir) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                    dir ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep the defaults
        }
    }

    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code p} and everything under it; entries that vanish meanwhile (deleted by others) are fine. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new java.nio.file.SimpleFileVisitor<Path>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.deleteIfExists(f);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }
}
