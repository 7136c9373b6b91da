package org.mgsv.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mgsv.core.MgsvException;

/**
 * One writer per directory (a catalog, a training run): an exclusive OS file lock on {@code dir/.mgsv-lock},
 * held for the writer's lifetime. The operating system releases the lock when the process ends, however it ends
 * ({@code kill -9} included), so a lock file left behind by a dead writer is never stale: the next writer simply
 * locks it again. A second writer, in this process or another, gets an error naming the directory and the
 * holder's pid. The lock file is never deleted (deleting it would let two writers lock two different files).
 */
public final class WriterLock implements AutoCloseable {
    public static final String FILE = ".mgsv-lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created when absent) for writing, or fails at once with an {@link MgsvException} when
     * another writer holds it.
     *
     * @param what what the directory is, for the error ("catalog", "run directory")
     */
    public static WriterLock acquire(Path dir, String what) {
        Path f = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + what + " " + dir + ": " + e.getMessage(), e);
        }
        WriterLock l = tryAcquire(f, what + " " + dir);
        if (l == null) {
            String holder = holder(f);
            throw new MgsvException(dir + ": " + what + " is in use by another mgsv process"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; one writer at a time — wait for it to "
                    + "finish or stop it");
        }
        return l;
    }

    /**
     * Locks the file {@code lockFile} (created when absent; its folder must exist) and writes this process's pid
     * into it, or returns null at once when another writer, in this process or another, holds it — for a caller
     * that words its own refusal.
     *
     * @param what what is being locked, for the error when the file cannot be opened
     */
    public static WriterLock tryAcquire(Path lockFile, String what) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this JVM
            }
            if (l == null) {
                ch.close();
                return null;
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(pid), 0);
            return new WriterLock(lockFile, ch, l);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + what + ": " + e.getMessage(), e);
        }
    }

    /** The pid the holder of {@code lockFile} wrote, or "" when unknown. */
    private static String holder(Path lockFile) {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ)) {
            return readHolder(ch);
        } catch (IOException e) {
            return "";
        }
    }

    private static String readHolder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim().replaceAll("[^0-9]", "");
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the original error matters
            }
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock (the file stays). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + file + ": " + e.getMessage(), e);
        }
    }
}
