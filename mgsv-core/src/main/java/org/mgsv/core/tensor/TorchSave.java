package org.mgsv.core.tensor;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/**
 * Reads and writes single tensors in PyTorch's {@code torch.save} format, without PyTorch.
 *
 * <p>Reading supports the zip format (torch ≥ 1.6: {@code <prefix>/data.pkl} is a pickle whose tensors are
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} calls and whose storages are persistent
 * ids {@code ('storage', torch.FloatStorage, key, location, numel)} pointing at raw little-endian bytes in
 * {@code <prefix>/data/<key>}) and the legacy non-zip format ({@code _use_new_zipfile_serialization=False}).
 * Storages of type float32, float16, bfloat16, float64 and the integer/bool types are converted to float32.
 * Views (storage offset, non-contiguous or zero strides) are materialised as contiguous tensors; a contiguous
 * tensor in a float32 storage is not copied again. The top-level object must be a tensor (or a Parameter).
 *
 * <p>Writing produces the zip format with float32 storage, 64-byte aligned like PyTorch's own writer, readable by
 * {@code torch.load} of torch 1.6 and later.
 */
public final class TorchSave {
    private TorchSave() {}

    private static final int ALIGN = 64;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final java.math.BigInteger LEGACY_MAGIC = new java.math.BigInteger("1950a86a20f9469cfc6c", 16);

    /** Storage element types: torch storage class name → (bytes per element, decoder). */
    private enum Dtype {
        FLOAT("FloatStorage", 4),
        HALF("HalfStorage", 2),
        BFLOAT16("BFloat16Storage", 2),
        DOUBLE("DoubleStorage", 8),
        LONG("LongStorage", 8),
        INT("IntStorage", 4),
        SHORT("ShortStorage", 2),
        CHAR("CharStorage", 1),
        BYTE("ByteStorage", 1),
        BOOL("BoolStorage", 1);

        final String storage;
        final int bytes;

        Dtype(String storage, int bytes) {
            this.storage = storage;
            this.bytes = bytes;
        }

        static Dtype of(Object storageType, Path file) {
            if (storageType instanceof Unpickler.Global) {
                Unpickler.Global g = (Unpickler.Global) storageType;
                if (g.module().equals("torch")) {
                    for (Dtype d : values()) {
                        if (d.storage.equals(g.name())) {
                            return d;
                        }
                    }
                }
            }
            throw new MgsvException("unsupported tensor dtype " + storageType + " in " + file
                    + " (supported: float32, float16, bfloat16, float64, int64/int32/int16/int8/uint8/bool)");
        }

        float get(ByteBuffer b, long index) {
            int i = Math.toIntExact(index * bytes);
            switch (this) {
                case FLOAT: return b.getFloat(i);
                case HALF: return Half.toFloat(b.getShort(i));
                case BFLOAT16: return Float.intBitsToFloat((b.getShort(i) & 0xffff) << 16);
                case DOUBLE: return (float) b.getDouble(i);
                case LONG: return (float) b.getLong(i);
                case INT: return (float) b.getInt(i);
                case SHORT: return (float) b.getShort(i);
                case CHAR: return (float) b.get(i);
                case BYTE: return (float) (b.get(i) & 0xff);
                case BOOL: return b.get(i) != 0 ? 1f : 0f;
                default: throw new AssertionError(this);
            }
        }
    }

    /** A storage referenced by the pickle; its bytes are fetched lazily from the archive. */
    private static final class StorageRef {
        final Dtype dtype;
        final String key;
        final long numel;
        ByteBuffer bytes;

        StorageRef(Dtype dtype, String key, long numel) {
            this.dtype = dtype;
            this.key = key;
            this.numel = numel;
        }
    }

    /** The result of {@code _rebuild_tensor_v2} before storage bytes are attached. */
    private static final class TensorRef {
        final StorageRef storage;
        final long offset;
        final int[] size;
        final long[] stride;

        TensorRef(StorageRef storage, long offset, int[] size, long[] stride) {
            this.storage = storage;
            this.offset = offset;
            this.size = size;
            this.stride = stride;
        }
    }

    /** Reads the tensor in {@code file} as float32. */
    public static Tensor read(Path file) {
        return readBounded(file, null);
    }

    private static Tensor readBounded(Path file, int[] expectedShape) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4) {
                throw new MgsvException("truncated torch.save file " + file + ": only " + n + " bytes");
            }
        } catch (NoSuchFileException e) {
            throw new MgsvException("tensor file not found: " + file);
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (Arrays.equals(head, ZIP_MAGIC)) {
            return readZip(file, expectedShape);
        }
        if ((head[0] & 0xff) == 0x80) {
            return readLegacy(file);
        }
        throw new MgsvException("not a torch.save file (neither zip nor legacy pickle): " + file);
    }

    /**
     * Reads the tensor in {@code file} and checks that it has exactly {@code expectedShape} and only finite
     * values; errors name the file and the first offending element.
     */
    public static Tensor read(Path file, int... expectedShape) {
        Tensor t = readBounded(file, expectedShape);
        TensorChecks.requireShape(t, file, expectedShape);
        TensorChecks.requireFinite(t, file);
        return t;
    }

    /**
     * A cheap completeness check for skipping finished work: true when {@code file} is a zip-format torch.save
     * file whose end-of-central-directory record is present (a file cut short loses it first), or a legacy
     * pickle (which cannot be told without reading it). Reads at most the last 64 KiB; reads no tensor.
     */
    public static boolean looksComplete(Path file) {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            if (size < 22) {
                return false;
            }
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(4);
            ch.read(head);
            if (!Arrays.equals(head.array(), ZIP_MAGIC)) {
                return (head.get(0) & 0xff) == 0x80;
            }
            int tail = (int) Math.min(size, 22 + 0xffff);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(tail);
            ch.position(size - tail);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            byte[] t = b.array();
            for (int i = t.length - 22; i >= 0; i--) {
                if (t[i] == 'P' && t[i + 1] == 'K' && t[i + 2] == 5 && t[i + 3] == 6) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Most bytes data.pkl may inflate to: a tensor's pickle is a few hundred bytes. */
    static final long MAX_PICKLE_BYTES = 1L << 20;
    /** Without an expected shape, most bytes one storage may inflate to. */
    static final long MAX_STORAGE_BYTES = 1L << 30;

    /**
     * The most bytes a storage may hold for a tensor of {@code shape}: the tensor itself in float64 (the widest
     * dtype read) plus room for a view of a larger storage, so a compressed entry cannot inflate past what the
     * caller's shape needs (a "zip bomb" of a few MB would otherwise fill the heap).
     */
    static long storageLimit(int[] shape) {
        if (shape == null) {
            return MAX_STORAGE_BYTES;
        }
        long n = 1;
        for (int d : shape) {
            n *= Math.max(1, d);
        }
        return 4 * 8 * n + (1 << 16);
    }

    private static Tensor readZip(Path file, int[] expectedShape) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                    break;
                }
            }
            if (prefix == null) {
                throw new MgsvException("not a torch.save archive (no <name>/data.pkl entry): " + file);
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null) {
                String s = new String(readEntry(zip, bo, file, 64), StandardCharsets.US_ASCII).trim();
                if (s.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!s.equals("little")) {
                    throw new MgsvException("unknown byteorder '" + s + "' in " + file);
                }
            }
            byte[] pkl = readEntry(zip, zip.getEntry(prefix + "data.pkl"), file, MAX_PICKLE_BYTES);
            Map<String, StorageRef> storages = new HashMap<>();
            Object obj = torchUnpickler(pkl, file, storages, false).load();
            TensorRef ref = asTensor(obj, file);
            if (expectedShape != null && !Arrays.equals(ref.size, expectedShape)) {
                throw new MgsvException("wrong tensor shape in " + file + ": " + Arrays.toString(ref.size)
                        + ", expected " + Arrays.toString(expectedShape));
            }
            long limit = storageLimit(expectedShape);
            for (StorageRef s : storages.values()) {
                ZipEntry ze = zip.getEntry(prefix + "data/" + s.key);
                if (ze == null) {
                    throw new MgsvException("corrupt torch.save file " + file + ": storage entry "
                            + prefix + "data/" + s.key + " is missing");
                }
                long declared = s.numel < 0 || s.numel > limit ? Long.MAX_VALUE : s.numel * s.dtype.bytes;
                if (declared > limit) {
                    throw new MgsvException("torch.save file " + file + ": storage " + s.key + " declares " + s.numel
                            + " elements, more than a tensor of shape " + (expectedShape == null ? "any"
                            : Arrays.toString(expectedShape)) + " needs (corrupt, or a zip bomb)");
                }
                // the pickle said how many bytes the storage holds: never inflate more than that
                s.bytes = ByteBuffer.wrap(readEntry(zip, ze, file, declared)).order(order);
            }
            return materialise(ref, file);
        } catch (ZipException e) {
            throw new MgsvException("truncated or corrupt torch.save file " + file + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new MgsvException("cannot read torch.save file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Inflates entry {@code e}, refusing (before and while inflating) more than {@code maxBytes}. */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, Path file, long maxBytes) throws IOException {
        if (e.getSize() > maxBytes) {
            throw new MgsvException("torch.save file " + file + ": entry " + e.getName() + " inflates to " + e.getSize()
                    + " bytes, more than the " + maxBytes + " it may hold (corrupt, or a zip bomb)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
            byte[] b = in.readNBytes(cap);
            if (in.read() >= 0) {
                throw new MgsvException("torch.save file " + file + ": entry " + e.getName() + " inflates to more than "
                        + "the " + maxBytes + " bytes it may hold (corrupt, or a zip bomb)");
            }
            if (e.getSize() >= 0 && b.length != e.getSize()) {
                throw new MgsvException("truncated torch.save file " + file + ": entry " + e.getName() + " has "
                        + b.length + " of " + e.getSize() + " bytes");
            }
            if (e.getCrc() >= 0) {
                CRC32 crc = new CRC32();
                crc.update(b);
                if (crc.getValue() != e.getCrc()) {
                    throw new MgsvException("corrupt torch.save file " + file + ": checksum mismatch in entry "
                            + e.getName());
                }
            }
            return b;
        } catch (java.io.EOFException ex) {
            throw new MgsvException("truncated torch.save file " + file + ": entry " + e.getName() + " ends early");
        }
    }

    private static Tensor readLegacy(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            Unpickler plain = new Unpickler(all, null, TorchSave::refuseCall);
            Object magic = plain.load();
            boolean ok = magic instanceof java.math.BigInteger && magic.equals(LEGACY_MAGIC)
                    || magic instanceof Long && java.math.BigInteger.valueOf((Long) magic).equals(LEGACY_MAGIC);
            if (!ok) {
                throw new MgsvException("not a torch.save file (pickle without torch's magic number): " + file);
            }
            int pos = plain.position();
            Object protocol = plain.at(pos).load();
            if (!Long.valueOf(1001).equals(protocol)) {
                throw new MgsvException("unsupported legacy torch.save protocol " + protocol + " in " + file);
            }
            pos = plain.position();
            plain.at(pos).load(); // sys_info
            pos = plain.position();
            Map<String, StorageRef> storages = new LinkedHashMap<>();
            Unpickler main = torchUnpickler(all, file, storages, true);
            Object obj = main.at(pos).load();
            pos = main.position();
            Object keys = plain.at(pos).load();
            pos = plain.position();
            if (!(keys instanceof List)) {
                throw new MgsvException("corrupt legacy torch.save file " + file + ": storage key list missing");
            }
            ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            for (Object k : (List<?>) keys) {
                StorageRef s = storages.get(String.valueOf(k));
                if (pos + 8 > all.length) {
                    throw new MgsvException("truncated torch.save file " + file + ": storage " + k + " missing");
                }
                long numel = buf.getLong(pos);
                pos += 8;
                if (s == null) {
                    throw new MgsvException("corrupt legacy torch.save file " + file + ": unknown storage " + k);
                }
                long nbytes = numel * s.dtype.bytes;
                if (numel < 0 || pos + nbytes > all.length) {
                    throw new MgsvException("truncated torch.save file " + file + ": storage " + k + " needs "
                            + nbytes + " bytes, " + Math.max(0, all.length - pos) + " left");
                }
                s.bytes = ByteBuffer.wrap(all, pos, (int) nbytes).slice().order(ByteOrder.LITTLE_ENDIAN);
                pos += (int) nbytes;
            }
            return materialise(asTensor(obj, file), file);
        } catch (IOException e) {
            throw new MgsvException("truncated or corrupt torch.save file " + file + ": " + e.getMessage(), e);
        }
    }

    /** An unpickler that collects the storages it meets into {@code storages} and rebuilds tensors. */
    private static Unpickler torchUnpickler(byte[] pkl, Path file, Map<String, StorageRef> storages,
            boolean legacy) {
        return new Unpickler(pkl, pid -> persistentStorage(pid, file, storages, legacy),
                (c, a) -> resolve(c, a, file));
    }

    private static Object persistentStorage(Object pid, Path file, Map<String, StorageRef> storages,
            boolean legacy) throws IOException {
        if (!(pid instanceof Unpickler.Tuple) || ((List<?>) pid).size() < 5
                || !"storage".equals(((List<?>) pid).get(0))) {
            throw new IOException("unexpected persistent id " + pid);
        }
        List<?> t = (List<?>) pid;
        if (legacy && t.size() > 5 && t.get(5) != null) {
            throw new MgsvException("unsupported storage view in legacy torch.save file " + file
                    + ": re-save it with torch >= 1.6");
        }
        Dtype dtype = Dtype.of(t.get(1), file);
        String key = String.valueOf(t.get(2));
        long numel = ((Number) t.get(4)).longValue();
        StorageRef ref = storages.get(key);
        if (ref == null) {
            ref = new StorageRef(dtype, key, numel);
            storages.put(key, ref);
        }
        return ref;
    }

    private static Object refuseCall(Object callable, Unpickler.Tuple args) throws IOException {
        throw new IOException("unexpected call to " + callable);
    }

    private static Object resolve(Object callable, Unpickler.Tuple args, Path file) throws IOException {
        String name = String.valueOf(callable);
        switch (name) {
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor": {
                if (args.size() < 4 || !(args.get(0) instanceof StorageRef)) {
                    throw new IOException("unexpected arguments to " + name);
                }
                StorageRef s = (StorageRef) args.get(0);
                long offset = ((Number) args.get(1)).longValue();
                List<?> size = (List<?>) args.get(2);
                List<?> stride = (List<?>) args.get(3);
                int[] sz = new int[size.size()];
                long[] st = new long[stride.size()];
                if (sz.length != st.length) {
                    throw new IOException("size and stride ranks differ");
                }
                for (int i = 0; i < sz.length; i++) {
                    sz[i] = Math.toIntExact(((Number) size.get(i)).longValue());
                    st[i] = ((Number) stride.get(i)).longValue();
                }
                return new TensorRef(s, offset, sz, st);
            }
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return args.get(0);
            case "collections.OrderedDict":
                return new LinkedHashMap<>();
            case "torch._utils._rebuild_sparse_tensor":
            case "torch._utils._rebuild_sparse_csr":
                throw new MgsvException("sparse tensors are not supported: " + file);
            case "torch._utils._rebuild_qtensor":
                throw new MgsvException("quantized tensors are not supported: " + file);
            default:
                return new Unpickler.Call(callable, args, new Object[1]);
        }
    }

    private static TensorRef asTensor(Object obj, Path file) {
        if (obj instanceof TensorRef) {
            return (TensorRef) obj;
        }
        String what = obj == null ? "None" : obj instanceof Map ? "a dict" : obj instanceof List ? "a list/tuple"
                : obj instanceof Unpickler.Call ? "a " + ((Unpickler.Call) obj).callable() + " object"
                : "a " + obj.getClass().getSimpleName();
        throw new MgsvException("torch.save file " + file + " holds " + what + ", expected a single tensor");
    }

    private static Tensor materialise(TensorRef t, Path file) {
        StorageRef s = t.storage;
        if (s.bytes == null) {
            throw new MgsvException("corrupt torch.save file " + file + ": storage " + s.key + " has no data");
        }
        long have = s.bytes.capacity() / s.dtype.bytes;
        if (have < s.numel) {
            throw new MgsvException("truncated torch.save file " + file + ": storage " + s.key + " holds " + have
                    + " of " + s.numel + " elements");
        }
        long numel = 1;
        long maxIndex = t.offset;
        boolean contiguous = true;
        long expect = 1;
        for (int i = t.size.length - 1; i >= 0; i--) {
            if (t.size[i] < 0 || t.stride[i] < 0) {
                throw new MgsvException("corrupt torch.save file " + file + ": negative size/stride");
            }
            numel *= t.size[i];
            if (t.size[i] != 1 && t.stride[i] != expect) {
                contiguous = false;
            }
            expect *= t.size[i];
            maxIndex += (long) Math.max(0, t.size[i] - 1) * t.stride[i];
        }
        if (numel > Integer.MAX_VALUE) {
            throw new MgsvException("tensor in " + file + " is too large: " + Arrays.toString(t.size));
        }
        if (numel > 0 && (t.offset < 0 || maxIndex >= s.numel)) {
            throw new MgsvException("corrupt torch.save file " + file + ": tensor of shape "
                    + Arrays.toString(t.size) + " at offset " + t.offset + " exceeds its storage of " + s.numel
                    + " elements");
        }
        int n = (int) numel;
        if (contiguous && s.dtype == Dtype.FLOAT && s.bytes.order() == ByteOrder.LITTLE_ENDIAN) {
            ByteBuffer b = s.bytes.duplicate();
            b.position(Math.toIntExact(t.offset * 4)).limit(Math.toIntExact((t.offset + n) * 4));
            FloatBuffer fb = b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] out = new float[n];
            fb.get(out);
            return Tensor.wrap(out, t.size);
        }
        float[] out = new float[n];
        if (contiguous) {
            for (int i = 0; i < n; i++) {
                out[i] = s.dtype.get(s.bytes, t.offset + i);
            }
        } else {
            int rank = t.size.length;
            int[] idx = new int[rank];
            for (int i = 0; i < n; i++) {
                long src = t.offset;
                for (int d = 0; d < rank; d++) {
                    src += idx[d] * t.stride[d];
                }
                out[i] = s.dtype.get(s.bytes, src);
                for (int d = rank - 1; d >= 0; d--) {
                    if (++idx[d] < t.size[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
        return Tensor.wrap(out, t.size);
    }

    // ---------------------------------------------------------------------------------------------- writing

    /** Writes {@code t} as a float32 {@code torch.save} file, atomically (temp file + rename). */
    public static void write(Path file, Tensor t) {
        byte[] pkl = pickle(t);
        byte[] data = t.toLittleEndianBytes();
        AtomicFiles.write(file, out -> writeZip(out, pkl, data));
    }

    /** The same bytes {@link #write} puts in a file. */
    public static byte[] toBytes(Tensor t) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            writeZip(bos, pickle(t), t.toLittleEndianBytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    private static void writeZip(OutputStream raw, byte[] pkl, byte[] data) throws IOException {
        CountingOutputStream counting = new CountingOutputStream(raw);
        ZipOutputStream zip = new ZipOutputStream(counting);
        zip.setMethod(ZipOutputStream.STORED);
        putStored(zip, counting, "archive/data.pkl", pkl);
        putStored(zip, counting, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        putStored(zip, counting, "archive/data/0", data);
        putStored(zip, counting, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
        zip.flush();
    }

    /** Adds a stored entry whose data starts on a 64-byte boundary (padding in an extra field, as torch does). */
    private static void putStored(ZipOutputStream zip, CountingOutputStream counting, String name, byte[] content)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        e.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        e.setTime(315532800000L + 86400000L * 366); // fixed DOS time (1981-01-01) for reproducible bytes
        zip.flush();
        long headerStart = counting.count;
        long dataStart = headerStart + 30 + name.getBytes(StandardCharsets.UTF_8).length;
        int pad = (int) ((ALIGN - (dataStart + 4) % ALIGN) % ALIGN);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        Arrays.fill(extra, 4, extra.length, (byte) 'Z');
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** The pickle torch.save writes for a contiguous float32 tensor with storage key "0". */
    private static byte[] pickle(Tensor t) {
        PickleWriter w = new PickleWriter();
        w.proto(2);
        w.global("torch._utils", "_rebuild_tensor_v2");
        w.mark();
        w.mark();
        w.string("storage");
        w.global("torch", "FloatStorage");
        w.string("0");
        w.string("cpu");
        w.integer(t.size());
        w.tuple();
        w.binpersid();
        w.integer(0);
        int[] shape = t.shape();
        w.mark();
        for (int d : shape) {
            w.integer(d);
        }
        w.tuple();
        w.mark();
        long stride = 1;
        long[] strides = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        for (long s : strides) {
            w.integer(s);
        }
        w.tuple();
        w.bool(false);
        w.global("collections", "OrderedDict");
        w.emptyTuple();
        w.reduce();
        w.tuple();
        w.reduce();
        w.stop();
        return w.toByteArray();
    }

    /** Emits the handful of pickle opcodes the writer needs. */
    private static final class PickleWriter extends ByteArrayOutputStream {
        void proto(int p) {
            write(0x80);
            write(p);
        }

        void global(String module, String name) {
            write('c');
            writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        void mark() {
            write('(');
        }

        void tuple() {
            write('t');
        }

        void emptyTuple() {
            write(')');
        }

        void reduce() {
            write('R');
        }

        void binpersid() {
            write('Q');
        }

        void stop() {
            write('.');
        }

        void bool(boolean b) {
            write(b ? 0x88 : 0x89);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            write('X');
            writeInt(b.length);
            writeBytes(b);
        }

        void integer(long v) {
            if (v >= 0 && v < 256) {
                write('K');
                write((int) v);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                write('J');
                writeInt((int) v);
            } else {
                write(0x8a);
                write(8);
                for (int i = 0; i < 8; i++) {
                    write((int) (v >>> (8 * i)));
                }
            }
        }

        private void writeInt(int v) {
            write(v);
            write(v >>> 8);
            write(v >>> 16);
            write(v >>> 24);
        }
    }
}
