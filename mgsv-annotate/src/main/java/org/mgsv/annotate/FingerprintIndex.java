package org.mgsv.annotate;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.WriterLock;
import org.mgsv.media.audio.SeekMarks;

/**
 * A persisted landmark index of a music library: for each of the 2^20 hashes, the (track, anchor frame) pairs
 * where it occurs. One file, memory-mapped on read:
 *
 * <pre>
 *   "MGSVFPI1" | long dataStart | int version, sampleRate, hop, nfft, hashBits, timeBits, tracks
 *   | per track: id, path (int length + UTF-8), double seconds, long size, long modified,
 *     int marks' sample rate, int marks, marks × (int position, long hash)
 *   | zero padding to dataStart (8-aligned) | long offsets[2^20 + 1]
 *   | int entries[] (track &lt;&lt; timeBits | frame, unsigned)
 * </pre>
 *
 * An entry holds track and anchor frame in 32 bits (half the index of a 64-bit entry): {@code timeBits} is
 * the fewest bits that hold the latest anchor frame of any track, the rest number the tracks (e.g. 15 bits =
 * 12.6 minutes leaves 131,072 tracks). A commit that needs more time bits repacks the whole index, and a library
 * that does not fit is refused with a clear error. Version 1 indexes (64-bit entries) are refused with a
 * "rebuild" error; version 2 (no seek marks) is read, and rewritten as version 3 when tracks
 * are next added (its own tracks keep verifying by decoding from the start; a rebuilt index verifies from seeks).
 *
 * Big-endian. Adding tracks ({@link Writer}) rewrites the file through a temporary sibling and an atomic
 * rename, so readers see the old or the new index, never a half-written one; a lock file admits one writer.
 */
public final class FingerprintIndex implements AutoCloseable {
    static final byte[] MAGIC = "MGSVFPI1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 3;
    /** The oldest version read: version 2 has no seek marks (its tracks are verified by decoding from the start). */
    static final int OLDEST_READ = 2;
    static final int BUCKETS = 1 << Landmarks.HASH_BITS;
    private static final int CHUNK_BITS = 28; // 2^28 ints = 1 GiB per mapping

    /**
     * A library track: id (file name without extension), source path, duration, file size and mtime, and the
     * {@link SeekMarks} that let verification decode an excerpt of it from a seek ({@link SeekMarks#NONE} for
     * tracks of a version 2 index, or not from a file).
     */
    public record Track(String id, String path, double seconds, long size, long modified, SeekMarks marks) {
        public Track {
            java.util.Objects.requireNonNull(marks, "marks");
        }

        /** A track without seek marks. */
        public Track(String id, String path, double seconds, long size, long modified) {
            this(id, path, seconds, size, modified, SeekMarks.NONE);
        }
    }

    private final Path file;
    private final List<Track> tracks;
    private final Map<String, Integer> byId;
    private final LongBuffer offsets;
    private final IntBuffer[] chunks;
    private final int timeBits;
    private final long entries;
    private final long bytes;

    private FingerprintIndex(Path file, List<Track> tracks, LongBuffer offsets, IntBuffer[] chunks, int timeBits,
            long entries, long bytes) {
        this.timeBits = timeBits;
        this.file = file;
        this.tracks = tracks;
        this.byId = new HashMap<>();
        for (int i = 0; i < tracks.size(); i++) {
            byId.put(tracks.get(i).id(), i);
        }
        this.offsets = offsets;
        this.chunks = chunks;
        this.entries = entries;
        this.bytes = bytes;
    }

    /** An index without tracks. */
    public static FingerprintIndex empty() {
        return new FingerprintIndex(null, List.of(), null, new IntBuffer[0], 1, 0, 0);
    }

    /** Opens (memory-maps) an index file; a clear error when it is missing or not an index. */
    public static FingerprintIndex open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 16) {
                throw new MgsvException(file + ": not a fingerprint index (too short)");
            }
            ByteBuffer head = ByteBuffer.allocate(16);
            ch.read(head, 0);
            head.flip();
            byte[] magic = new byte[8];
            head.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new MgsvException(file + ": not a fingerprint index (bad magic)");
            }
            long dataStart = head.getLong();
            if (dataStart < 16 || dataStart > size || dataStart % 8 != 0) {
                throw new MgsvException(file + ": corrupt fingerprint index (header length " + dataStart + ")");
            }
            MappedByteBuffer hb = ch.map(FileChannel.MapMode.READ_ONLY, 16, dataStart - 16);
            int version = hb.getInt();
            if (version < OLDEST_READ || version > VERSION) {
                throw new MgsvException(file + ": fingerprint index version " + version + ", this build reads "
                        + OLDEST_READ + " to " + VERSION
                        + " (rebuild it: delete the file and run again, the music is fingerprinted anew)");
            }
            int sr = hb.getInt(), hop = hb.getInt(), nfft = hb.getInt(), bits = hb.getInt();
            if (sr != Landmarks.SAMPLE_RATE || hop != Landmarks.HOP || nfft != Landmarks.NFFT
                    || bits != Landmarks.HASH_BITS) {
                throw new MgsvException(file + ": fingerprint index made with other parameters (" + sr + " Hz, hop "
                        + hop + ", n " + nfft + ", " + bits + " bits): rebuild it");
            }
            int timeBits = hb.getInt();
            if (timeBits < 1 || timeBits > 31) {
                throw new MgsvException(file + ": corrupt fingerprint index (time bits " + timeBits + ")");
            }
            int n = hb.getInt();
            List<Track> tracks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Track t = new Track(str(hb), str(hb), hb.getDouble(), hb.getLong(), hb.getLong());
                tracks.add(version >= 3 ? withMarks(t, hb) : t);
            }
            long offBytes = 8L * (BUCKETS + 1);
            if (dataStart + offBytes > size) {
                throw new MgsvException(file + ": corrupt fingerprint index (truncated)");
            }
            LongBuffer offsets = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, offBytes).asLongBuffer();
            long total = offsets.get(BUCKETS);
            long entryStart = dataStart + offBytes;
            if (entryStart + 4 * total != size) {
                throw new MgsvException(file + ": corrupt fingerprint index (" + size + " bytes, expected "
                        + (entryStart + 4 * total) + ")");
            }
            int nChunks = (int) ((total + (1L << CHUNK_BITS) - 1) >>> CHUNK_BITS);
            IntBuffer[] chunks = new IntBuffer[nChunks];
            for (int c = 0; c < nChunks; c++) {
                long from = (long) c << CHUNK_BITS;
                long len = Math.min(1L << CHUNK_BITS, total - from);
                chunks[c] = ch.map(FileChannel.MapMode.READ_ONLY, entryStart + 4 * from, 4 * len).asIntBuffer();
            }
            return new FingerprintIndex(file, Collections.unmodifiableList(tracks), offsets, chunks, timeBits, total,
                    size);
        } catch (NoSuchFileException e) {
            throw new MgsvException("fingerprint index not found: " + file);
        } catch (java.nio.BufferUnderflowException e) {
            throw new MgsvException(file + ": corrupt fingerprint index (header)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Track withMarks(Track t, ByteBuffer b) {
        int rate = b.getInt(), n = b.getInt();
        if (n < 0 || (long) n * 12 > b.remaining() || rate < 0) {
            throw new java.nio.BufferUnderflowException();
        }
        int[] pos = new int[n];
        long[] hs = new long[n];
        for (int i = 0; i < n; i++) {
            pos[i] = b.getInt();
            hs[i] = b.getLong();
        }
        try {
            return new Track(t.id(), t.path(), t.seconds(), t.size(), t.modified(),
                    n == 0 ? SeekMarks.NONE : new SeekMarks(rate, pos, hs));
        } catch (IllegalArgumentException e) {
            throw new java.nio.BufferUnderflowException();
        }
    }

    private static String str(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    public Path file() {
        return file;
    }

    public int size() {
        return tracks.size();
    }

    public List<Track> tracks() {
        return tracks;
    }

    public Track track(int i) {
        return tracks.get(i);
    }

    /** The track number of {@code id}, or −1. */
    public int indexOf(String id) {
        return byId.getOrDefault(id, -1);
    }

    /** Landmarks stored. */
    public long entries() {
        return entries;
    }

    /** Size of the index file (what is mapped). */
    public long bytes() {
        return bytes;
    }

    long bucketStart(int hash) {
        return offsets == null ? 0 : offsets.get(hash);
    }

    long bucketEnd(int hash) {
        return offsets == null ? 0 : offsets.get(hash + 1);
    }

    /** Entry i unpacked: {@code track << 32 | frame}. */
    long entry(long i) {
        int e = chunks[(int) (i >>> CHUNK_BITS)].get((int) (i & ((1L << CHUNK_BITS) - 1)));
        return pack(e >>> timeBits, e & ((1 << timeBits) - 1));
    }

    /**
     * The packed entries of bucket {@code hash} ({@code track << timeBits | frame}) into {@code dst} from 0, in
     * index order (tracks in ascending number, each track's frames ascending); returns how many. {@code dst} must
     * hold the bucket. One bulk copy per mapping instead of one read per entry: a query of a large library reads
     * millions of entries.
     */
    int copyBucket(int hash, int[] dst) {
        long from = bucketStart(hash), to = bucketEnd(hash);
        int n = (int) (to - from);
        int at = 0;
        while (from < to) {
            int c = (int) (from >>> CHUNK_BITS);
            int in = (int) (from & ((1L << CHUNK_BITS) - 1));
            int len = (int) Math.min(to - from, (1L << CHUNK_BITS) - in);
            chunks[c].get(in, dst, at, len);
            at += len;
            from += len;
        }
        return n;
    }

    /** Bits of an entry that hold the anchor frame. */
    int timeBits() {
        return timeBits;
    }

    static long pack(int track, int frame) {
        return ((long) track << 32) | (frame & 0xffffffffL);
    }

    /** The fewest time bits that hold {@code maxFrame} (at least 1). */
    static int timeBitsFor(int maxFrame) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(maxFrame));
    }

    /**
     * The 32-bit entry of (track, frame) with {@code timeBits} time bits; a clear error when either does not fit
     * ({@code what} names the index).
     */
    static int pack32(int track, int frame, int timeBits, Object what) {
        if (frame < 0 || frame >>> timeBits != 0 || track < 0 || (long) track >>> (32 - timeBits) != 0) {
            throw new MgsvException(what + ": track " + track + " at frame " + frame + " does not fit a 32-bit "
                    + "index entry (" + (32 - timeBits) + " bits for up to " + (1L << (32 - timeBits)) + " tracks, "
                    + timeBits + " for frames up to " + String.format(java.util.Locale.ROOT, "%.1f",
                    ((1L << timeBits) - 1) * Landmarks.FRAME_SECONDS / 60) + " min): split the library into "
                    + "several indexes or shorten its longest tracks");
        }
        return (track << timeBits) | frame;
    }

    @Override
    public void close() {
        // mappings are released by the garbage collector
    }

    /**
     * Adds tracks to the index file at {@code file} (created when absent). Holds {@code <file>.lock} until closed:
     * a second writer fails at once with a clear error. Staged tracks become visible at {@link #commit}.
     */
    public static final class Writer implements AutoCloseable {
        private final Path file;
        private final WriterLock lock;
        private FingerprintIndex base;
        private final List<Track> staged = new ArrayList<>();
        private final List<Landmarks.Prints> stagedPrints = new ArrayList<>();
        private final Map<String, Integer> stagedIds = new HashMap<>();

        public Writer(Path file) {
            this.file = file;
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
            }
            lock = WriterLock.tryAcquire(lockFile, lockFile.toString());
            if (lock == null) {
                throw new MgsvException("fingerprint index " + file + " is being written by another process "
                        + "(lock " + lockFile + ")");
            }
            base = Files.exists(file) ? FingerprintIndex.open(file) : FingerprintIndex.empty();
        }

        /** The committed index (what readers see). */
        public synchronized FingerprintIndex index() {
            return base;
        }

        /** True when {@code id} is committed or staged. */
        public synchronized boolean contains(String id) {
            return base.indexOf(id) >= 0 || stagedIds.containsKey(id);
        }

        /** Stages a track with its landmarks (ids must be new). */
        public synchronized void add(Track t, Landmarks.Prints prints) {
            if (contains(t.id())) {
                throw new MgsvException("track id " + t.id() + " is already in " + file + " (from " + t.path() + ")");
            }
            stagedIds.put(t.id(), staged.size());
            staged.add(t);
            stagedPrints.add(prints);
        }

        public synchronized int staged() {
            return staged.size();
        }

        /** Writes committed + staged tracks to the file atomically and reopens it. */
        public synchronized FingerprintIndex commit() {
            if (staged.isEmpty() && base.file() != null) {
                return base;
            }
            int oldTracks = base.size();
            long[] newCount = new long[BUCKETS + 1];
            for (Landmarks.Prints p : stagedPrints) {
                for (int h : p.hashes()) {
                    newCount[h + 1]++;
                }
            }
            for (int h = 0; h < BUCKETS; h++) {
                newCount[h + 1] += newCount[h];
            }
            long totalNew = newCount[BUCKETS];
            if (totalNew > Integer.MAX_VALUE - 8) {
                throw new MgsvException("too many new landmarks in one commit (" + totalNew + "): commit in parts");
            }
            // the time bits only grow: old entries are repacked when the new tracks need more
            int maxFrame = 0;
            for (Landmarks.Prints p : stagedPrints) {
                for (int t : p.times()) {
                    maxFrame = Math.max(maxFrame, t);
                }
            }
            int timeBits = Math.max(oldTracks == 0 ? 1 : base.timeBits(), timeBitsFor(maxFrame));
            int lastTrack = Math.max(0, oldTracks + staged.size() - 1);
            if (timeBits > 31 || (long) lastTrack >>> (32 - timeBits) != 0) {
                throw new MgsvException(file + ": " + (lastTrack + 1) + " tracks with landmarks up to frame "
                        + maxFrame + " do not fit 32-bit index entries (" + timeBits + " bits for the frame leave "
                        + (32 - timeBits) + " for the track): split the library into several indexes or shorten "
                        + "its longest tracks");
            }
            int[] fresh = new int[(int) totalNew];
            long[] fill = newCount.clone();
            for (int k = 0; k < stagedPrints.size(); k++) {
                Landmarks.Prints p = stagedPrints.get(k);
                int track = oldTracks + k;
                for (int i = 0; i < p.size(); i++) {
                    fresh[(int) fill[p.hashes()[i]]++] = pack32(track, p.times()[i], timeBits, file);
                }
            }
            List<Track> all = new ArrayList<>(base.tracks());
            all.addAll(staged);
            FingerprintIndex old = base;
            AtomicFiles.write(file, out -> writeIndex(out, all, old, newCount, fresh, timeBits));
            base = FingerprintIndex.open(file);
            staged.clear();
            stagedPrints.clear();
            stagedIds.clear();
            return base;
        }

        private void writeIndex(OutputStream os, List<Track> all, FingerprintIndex old, long[] newCount,
                int[] fresh, int timeBits) throws IOException {
            ByteArrayOutputStream hb = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(hb);
            h.writeInt(VERSION);
            h.writeInt(Landmarks.SAMPLE_RATE);
            h.writeInt(Landmarks.HOP);
            h.writeInt(Landmarks.NFFT);
            h.writeInt(Landmarks.HASH_BITS);
            h.writeInt(timeBits);
            h.writeInt(all.size());
            for (Track t : all) {
                writeStr(h, t.id());
                writeStr(h, t.path());
                h.writeDouble(t.seconds());
                h.writeLong(t.size());
                h.writeLong(t.modified());
                SeekMarks m = t.marks();
                h.writeInt(m.sampleRate());
                h.writeInt(m.size());
                for (int i = 0; i < m.size(); i++) {
                    h.writeInt(m.positions()[i]);
                    h.writeLong(m.hashes()[i]);
                }
            }
            h.flush();
            long headLen = 16 + hb.size();
            long dataStart = (headLen + 7) / 8 * 8;
            LongWriter w = new LongWriter(os);
            os.write(MAGIC);
            w.put(dataStart);
            w.flush();
            hb.writeTo(os);
            os.write(new byte[(int) (dataStart - headLen)]);
            long acc = 0;
            w.put(0);
            for (int b = 0; b < BUCKETS; b++) {
                acc += (old.bucketEnd(b) - old.bucketStart(b)) + (newCount[b + 1] - newCount[b]);
                w.put(acc);
            }
            for (int b = 0; b < BUCKETS; b++) {
                for (long i = old.bucketStart(b), e = old.bucketEnd(b); i < e; i++) {
                    long en = old.entry(i);
                    w.putInt(pack32((int) (en >>> 32), (int) en, timeBits, file));
                }
                for (int i = (int) newCount[b], e = (int) newCount[b + 1]; i < e; i++) {
                    w.putInt(fresh[i]);
                }
            }
            w.flush();
        }

        private static void writeStr(DataOutputStream h, String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            h.writeInt(b.length);
            h.write(b);
        }

        @Override
        public synchronized void close() {
            try {
                lock.close();
            } catch (UncheckedIOException ignored) {
                // the lock goes with the channel
            }
        }
    }

    /** Buffers big-endian longs and ints into an output stream. */
    private static final class LongWriter {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);

        LongWriter(OutputStream out) {
            this.out = out;
        }

        void put(long v) throws IOException {
            if (buf.remaining() < 8) {
                flush();
            }
            buf.putLong(v);
        }

        void putInt(int v) throws IOException {
            if (buf.remaining() < 4) {
                flush();
            }
            buf.putInt(v);
        }

        void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }
}
