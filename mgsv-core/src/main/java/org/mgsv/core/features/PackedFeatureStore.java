package org.mgsv.core.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.Half;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.util.AtomicFiles;

/**
 * All features of a dataset in one memory-mapped file, so training never opens thousands of small files.
 *
 * <p>A store is a directory holding {@code data.bin} and {@code index.json} (plus whatever the packer copies
 * next to them, e.g. the split CSVs). {@code data.bin} starts with a 64-byte header (magic {@code MGSVFEAT},
 * format version, precision, feature spec) followed by one record per id, each 64-byte aligned: the features
 * [slots, dim] then the mask [slots], little-endian. {@code index.json} maps ids to record offsets and records
 * the data size and its CRC-32; it is written last, after the data is forced to disk, and the whole directory is
 * built under a temporary name and renamed into place, so an interrupted pack leaves no store that looks valid.
 *
 * <p>Precision: {@link Precision#FLOAT32} reads are zero-copy ({@link Tensor}s over slices of the mapping; they
 * stay valid after {@link #close()}, the mapping is released when they are garbage). {@link Precision#FLOAT16}
 * halves the file (the frame features of the 49k training videos alone take ≈ 5.0 GB in float32, 2.5 GB in
 * float16) at the cost of a conversion copy per read and
 * float16 rounding (relative error ≤ 2⁻¹¹; values above 65504 become infinite and are refused when packing).
 *
 * <p>The file is mapped in windows of at most {@code windowBytes} (1 GiB by default: a Java mapping is limited
 * to 2 GiB); the writer pads so that no record straddles a window boundary.
 */
public final class PackedFeatureStore implements FeatureStore {
    public static final String DATA_FILE = "data.bin";
    public static final String INDEX_FILE = "index.json";
    static final String FORMAT = "mgsv-packed-features";
    static final int VERSION = 1;
    static final byte[] MAGIC = "MGSVFEAT".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 64;
    static final int ALIGN = 64;
    public static final long DEFAULT_WINDOW = 1L << 30;

    /** Element type of the stored values. */
    public enum Precision {
        FLOAT32(4), FLOAT16(2);

        final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }
    }

    private final Path dir;
    private final FeatureSpec spec;
    private final Precision precision;
    private final long windowBytes;
    private final long dataBytes;
    private final long crc32;
    private final Map<String, Long> videos;
    private final Map<String, Long> music;
    private final MappedByteBuffer[] windows;

    private PackedFeatureStore(Path dir, FeatureSpec spec, Precision precision, long windowBytes, long dataBytes,
            long crc32, Map<String, Long> videos, Map<String, Long> music, MappedByteBuffer[] windows) {
        this.dir = dir;
        this.spec = spec;
        this.precision = precision;
        this.windowBytes = windowBytes;
        this.dataBytes = dataBytes;
        this.crc32 = crc32;
        this.videos = videos;
        this.music = music;
        this.windows = windows;
    }

    /** True if {@code dir} holds a packed store's index (it may still be invalid). */
    public static boolean looksLikeStore(Path dir) {
        return Files.isRegularFile(dir.resolve(INDEX_FILE)) && Files.isRegularFile(dir.resolve(DATA_FILE));
    }

    /** Opens the store in {@code dir}, checking its index, header and data size (not the checksum). */
    public static PackedFeatureStore open(Path dir) {
        Path index = dir.resolve(INDEX_FILE);
        Path data = dir.resolve(DATA_FILE);
        if (!Files.isDirectory(dir)) {
            throw new MgsvException("packed feature store not found: " + dir);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new MgsvException("not a packed feature store (no " + INDEX_FILE + "; an interrupted pack "
                    + "writes none): " + dir);
        } catch (IOException e) {
            throw new MgsvException("corrupt packed store index " + index + ": " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new MgsvException("not a packed feature store index: " + index);
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new MgsvException("packed store " + dir + " has format version " + version + ", this mgsv reads "
                    + VERSION + ": re-run mgsv pack");
        }
        JsonNode s = root.path("spec");
        FeatureSpec spec = new FeatureSpec(s.path("videoSlots").asInt(), s.path("videoDim").asInt(),
                s.path("musicSlots").asInt(), s.path("musicDim").asInt());
        Precision precision;
        try {
            precision = Precision.valueOf(root.path("precision").asText());
        } catch (IllegalArgumentException e) {
            throw new MgsvException("unknown precision '" + root.path("precision").asText() + "' in " + index);
        }
        long window = root.path("windowBytes").asLong();
        long dataBytes = root.path("dataBytes").asLong();
        long crc = root.path("crc32").asLong();
        Map<String, Long> videos = offsets(root.path("videos"), index);
        Map<String, Long> music = offsets(root.path("music"), index);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != dataBytes) {
                throw new MgsvException("packed store " + dir + " is incomplete or damaged: " + DATA_FILE + " has "
                        + size + " bytes, the index expects " + dataBytes);
            }
            int n = (int) ((size + window - 1) / window);
            MappedByteBuffer[] windows = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = i * window;
                windows[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(window, size - start));
            }
            ByteBuffer h = windows[0].duplicate().order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            h.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC) || h.getInt() != VERSION
                    || h.getInt() != precision.ordinal() || h.getInt() != spec.videoSlots()
                    || h.getInt() != spec.videoDim() || h.getInt() != spec.musicSlots()
                    || h.getInt() != spec.musicDim() || h.getLong() != window) {
                throw new MgsvException("packed store " + dir + ": " + DATA_FILE + " header does not match "
                        + INDEX_FILE);
            }
            PackedFeatureStore store = new PackedFeatureStore(dir, spec, precision, window, dataBytes, crc, videos,
                    music, windows);
            store.checkOffsets(videos, recordBytes(spec.videoSlots(), spec.videoDim(), precision));
            store.checkOffsets(music, recordBytes(spec.musicSlots(), spec.musicDim(), precision));
            return store;
        } catch (NoSuchFileException e) {
            throw new MgsvException("packed store " + dir + " lacks " + DATA_FILE);
        } catch (IOException e) {
            throw new MgsvException("cannot map " + data + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> offsets(JsonNode node, Path index) {
        if (!node.isObject()) {
            throw new MgsvException("corrupt packed store index " + index + ": id table missing");
        }
        Map<String, Long> m = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            m.put(e.getKey(), e.getValue().asLong());
        }
        return m;
    }

    private void checkOffsets(Map<String, Long> offs, long recordBytes) {
        for (Map.Entry<String, Long> e : offs.entrySet()) {
            long o = e.getValue();
            if (o < HEADER_BYTES || o + recordBytes > dataBytes || (o % windowBytes) + recordBytes > windowBytes) {
                throw new MgsvException("corrupt packed store " + dir + ": bad offset " + o + " for id " + e.getKey());
            }
        }
    }

    /** Bytes of one record: features [slots, dim] then mask [slots]. */
    static long recordBytes(int slots, int dim, Precision precision) {
        return (long) slots * (dim + 1) * precision.bytes;
    }

    public Precision precision() {
        return precision;
    }

    @Override
    public FeatureSpec spec() {
        return spec;
    }

    @Override
    public boolean hasVideo(String videoId) {
        return videos.containsKey(videoId);
    }

    @Override
    public boolean hasMusic(String musicId) {
        return music.containsKey(musicId);
    }

    @Override
    public VideoFeatures video(String videoId) {
        Long off = videos.get(videoId);
        if (off == null) {
            throw new MgsvException("no video features for id " + videoId + " in packed store " + dir);
        }
        Tensor[] fm = record(off, spec.videoSlots(), spec.videoDim());
        return VideoFeatures.of(videoId, fm[0], fm[1], dir.toString());
    }

    @Override
    public MusicFeatures music(String musicId) {
        Long off = music.get(musicId);
        if (off == null) {
            throw new MgsvException("no music features for id " + musicId + " in packed store " + dir);
        }
        Tensor[] fm = record(off, spec.musicSlots(), spec.musicDim());
        return MusicFeatures.of(musicId, fm[0], fm[1], dir.toString());
    }

    private Tensor[] record(long offset, int slots, int dim) {
        ByteBuffer w = windows[(int) (offset / windowBytes)];
        int at = (int) (offset % windowBytes);
        int featBytes = slots * dim * precision.bytes;
        int maskBytes = slots * precision.bytes;
        ByteBuffer feats = w.slice(at, featBytes);
        ByteBuffer mask = w.slice(at + featBytes, maskBytes);
        if (precision == Precision.FLOAT32) {
            return new Tensor[] {Tensor.wrapLittleEndian(feats, slots, dim), Tensor.wrapLittleEndian(mask, slots)};
        }
        return new Tensor[] {halfTensor(feats, slots, dim), halfTensor(mask, slots)};
    }

    private static Tensor halfTensor(ByteBuffer b, int... shape) {
        ByteBuffer le = b.order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[le.remaining() / 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = Half.toFloat(le.getShort(i * 2));
        }
        return Tensor.wrap(v, shape);
    }

    @Override
    public Set<String> videoIds() {
        return Collections.unmodifiableSet(new TreeSet<>(videos.keySet()));
    }

    @Override
    public Set<String> musicIds() {
        return Collections.unmodifiableSet(new TreeSet<>(music.keySet()));
    }

    @Override
    public String location() {
        return dir.toString();
    }

    /** Recomputes the CRC-32 of the data file and throws if it differs from the index (reads the whole file). */
    public void verify() {
        CRC32 crc = new CRC32();
        for (MappedByteBuffer w : windows) {
            crc.update(w.duplicate());
        }
        if (crc.getValue() != crc32) {
            throw new MgsvException("packed store " + dir + " is damaged: " + DATA_FILE + " checksum "
                    + Long.toHexString(crc.getValue()) + " differs from the index's " + Long.toHexString(crc32));
        }
    }

    @Override
    public void close() {
        // Mappings are released by the garbage collector once no tensor refers to them.
    }

    // ---------------------------------------------------------------------------------------------- writing

    /** Fills a store under construction. */
    @FunctionalInterface
    public interface Body {
        /** Adds records through {@code writer}; may also put other files into {@code dir}. */
        void write(Writer writer, Path dir) throws IOException;
    }

    /**
     * Builds a store at {@code target} atomically: everything is written into a temporary sibling directory,
     * the index last, and renamed into place only if {@code body} completes (an existing store is replaced).
     */
    public static void write(Path target, FeatureSpec spec, Precision precision, Body body) {
        write(target, spec, precision, DEFAULT_WINDOW, body);
    }

    /** As {@link #write(Path, FeatureSpec, Precision, Body)} with a chosen mapping window size (tests). */
    public static void write(Path target, FeatureSpec spec, Precision precision, long windowBytes, Body body) {
        AtomicFiles.writeDirectory(target, dir -> {
            try (Writer w = new Writer(dir, spec, precision, windowBytes)) {
                body.write(w, dir);
                w.finish();
            }
        });
    }

    /** Appends records to a store's data file; {@link #finish()} writes the index. */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private final FeatureSpec spec;
        private final Precision precision;
        private final long windowBytes;
        private final FileChannel ch;
        private final CRC32 crc = new CRC32();
        private final Map<String, Long> videos = new LinkedHashMap<>();
        private final Map<String, Long> music = new LinkedHashMap<>();
        private long pos;
        private boolean finished;

        Writer(Path dir, FeatureSpec spec, Precision precision, long windowBytes) throws IOException {
            long maxRecord = Math.max(recordBytes(spec.videoSlots(), spec.videoDim(), precision),
                    recordBytes(spec.musicSlots(), spec.musicDim(), precision));
            if (windowBytes < maxRecord + HEADER_BYTES || windowBytes % ALIGN != 0 || windowBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("window of " + windowBytes + " bytes cannot hold a record of "
                        + maxRecord);
            }
            this.dir = dir;
            this.spec = spec;
            this.precision = precision;
            this.windowBytes = windowBytes;
            this.ch = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(VERSION).putInt(precision.ordinal()).putInt(spec.videoSlots())
                    .putInt(spec.videoDim()).putInt(spec.musicSlots()).putInt(spec.musicDim()).putLong(windowBytes);
            h.position(0);
            put(h);
        }

        public int videoCount() {
            return videos.size();
        }

        public int musicCount() {
            return music.size();
        }

        /** Adds a video's features; returns false (and writes nothing) if the id is already stored. */
        public boolean addVideo(VideoFeatures v) throws IOException {
            if (videos.containsKey(v.id())) {
                return false;
            }
            checkShape("video", v.id(), v.feats(), spec.videoSlots(), spec.videoDim());
            videos.put(v.id(), append("video", v.id(), v.feats(), v.mask()));
            return true;
        }

        /** Adds a track's features; returns false (and writes nothing) if the id is already stored. */
        public boolean addMusic(MusicFeatures m) throws IOException {
            if (music.containsKey(m.id())) {
                return false;
            }
            checkShape("music", m.id(), m.feats(), spec.musicSlots(), spec.musicDim());
            music.put(m.id(), append("music", m.id(), m.feats(), m.mask()));
            return true;
        }

        private static void checkShape(String what, String id, Tensor feats, int slots, int dim) {
            if (!feats.hasShape(slots, dim)) {
                throw new MgsvException(what + " features of " + id + " have shape "
                        + java.util.Arrays.toString(feats.shape()) + ", the store holds [" + slots + ", " + dim + "]");
            }
        }

        private long append(String what, String id, Tensor feats, Tensor mask) throws IOException {
            int n = feats.size() + mask.size();
            long bytes = (long) n * precision.bytes;
            long start = (pos + ALIGN - 1) / ALIGN * ALIGN;
            if (start % windowBytes + bytes > windowBytes) {
                start = (start / windowBytes + 1) * windowBytes;
            }
            if (start > pos) {
                put(ByteBuffer.allocate((int) (start - pos)));
            }
            ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : new Tensor[] {feats, mask}) {
                for (int i = 0; i < t.size(); i++) {
                    float v = t.getFlat(i);
                    if (!Float.isFinite(v)) {
                        throw new MgsvException("non-finite value " + v + " in " + what + " features of " + id);
                    }
                    if (precision == Precision.FLOAT32) {
                        b.putFloat(v);
                    } else {
                        short h = Half.fromFloat(v);
                        if (!Float.isFinite(Half.toFloat(h))) {
                            throw new MgsvException("value " + v + " in " + what + " features of " + id
                                    + " overflows float16: pack with float32");
                        }
                        b.putShort(h);
                    }
                }
            }
            b.flip();
            put(b);
            return start;
        }

        private void put(ByteBuffer b) throws IOException {
            crc.update(b.duplicate());
            while (b.hasRemaining()) {
                pos += ch.write(b);
            }
        }

        /** Forces the data to disk and writes the index (the store is complete after this). */
        public void finish() throws IOException {
            ch.force(true);
            ObjectMapper om = new ObjectMapper();
            ObjectNode root = om.createObjectNode();
            root.put("format", FORMAT);
            root.put("version", VERSION);
            root.put("precision", precision.name());
            ObjectNode s = root.putObject("spec");
            s.put("videoSlots", spec.videoSlots());
            s.put("videoDim", spec.videoDim());
            s.put("musicSlots", spec.musicSlots());
            s.put("musicDim", spec.musicDim());
            root.put("windowBytes", windowBytes);
            root.put("dataBytes", pos);
            root.put("crc32", crc.getValue());
            ObjectNode v = root.putObject("videos");
            videos.forEach(v::put);
            ObjectNode m = root.putObject("music");
            music.forEach(m::put);
            Files.write(dir.resolve(INDEX_FILE), om.writeValueAsBytes(root));
            finished = true;
        }

        @Override
        public void close() throws IOException {
            ch.close();
            if (!finished) {
                Files.deleteIfExists(dir.resolve(INDEX_FILE));
            }
        }
    }
}
