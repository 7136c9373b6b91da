package org.mgsv.core.tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/**
 * numpy's {@code .npy} format (versions 1.0–3.0), C order. Reads float32, float64, float16, int64, int32,
 * uint8 and bool in either byte order; writes little-endian. Fortran-order arrays are rejected with a clear
 * error rather than silently transposed.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads {@code file} as float32. */
    public static Tensor read(Path file) {
        return readArray(file).toTensor();
    }

    /** Reads {@code file} as float32, requiring {@code expectedShape} and finite values. */
    public static Tensor read(Path file, int... expectedShape) {
        Tensor t = read(file);
        TensorChecks.requireShape(t, file, expectedShape);
        TensorChecks.requireFinite(t, file);
        return t;
    }

    public static NpyArray readArray(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new MgsvException("array file not found: " + file);
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(ByteBuffer.wrap(all), file.toString());
    }

    /** Parses .npy bytes; {@code name} is used in error messages. */
    public static NpyArray parse(ByteBuffer buf, String name) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 10) {
            throw new MgsvException("truncated .npy file " + name + ": " + b.remaining() + " bytes");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                throw new MgsvException("not a .npy file (bad magic): " + name);
            }
        }
        int major = b.get(6);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (b.remaining() < 12) {
                throw new MgsvException("truncated .npy file " + name);
            }
            headerLen = b.getInt(8);
            headerStart = 12;
        } else {
            throw new MgsvException("unsupported .npy version " + major + " in " + name);
        }
        if (headerLen < 0 || headerStart + headerLen > b.remaining()) {
            throw new MgsvException("truncated .npy file " + name + ": header cut off");
        }
        byte[] hb = new byte[headerLen];
        b.position(headerStart);
        b.get(hb);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new MgsvException("malformed .npy header in " + name + ": " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new MgsvException("Fortran-order .npy arrays are not supported: " + name
                    + " (save with np.ascontiguousarray)");
        }
        String code = d.group(2) + d.group(3);
        NpyArray.Dtype dtype = null;
        for (NpyArray.Dtype t : NpyArray.Dtype.values()) {
            if (t.code.equals(code)) {
                dtype = t;
            }
        }
        if (dtype == null) {
            throw new MgsvException("unsupported .npy dtype '" + d.group(1) + code + "' in " + name
                    + " (supported: float32, float64, float16, int64, int32, uint8, bool)");
        }
        boolean bigEndian = d.group(1).equals(">");
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                if (p.endsWith("L")) {
                    p = p.substring(0, p.length() - 1);
                }
                try {
                    dims.add(Integer.parseInt(p));
                } catch (NumberFormatException e) {
                    throw new MgsvException("malformed .npy shape in " + name + ": (" + s.group(1) + ")");
                }
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long need = (long) Tensor.numel(shape) * dtype.bytes;
        int dataStart = headerStart + headerLen;
        if (b.capacity() - dataStart < need) {
            throw new MgsvException("truncated .npy file " + name + ": needs " + need + " data bytes, has "
                    + (b.capacity() - dataStart));
        }
        ByteBuffer data = b.duplicate();
        data.position(dataStart).limit(dataStart + (int) need);
        data = data.slice();
        if (bigEndian && dtype.bytes > 1) {
            ByteBuffer le = ByteBuffer.allocate((int) need);
            for (int i = 0; i < need; i += dtype.bytes) {
                for (int j = 0; j < dtype.bytes; j++) {
                    le.put(i + j, data.get(i + dtype.bytes - 1 - j));
                }
            }
            data = le;
        }
        return new NpyArray(dtype, shape, data);
    }

    /** Writes {@code t} as a float32 .npy file, atomically. */
    public static void write(Path file, Tensor t) {
        write(file, NpyArray.of(t));
    }

    /** Writes {@code a} as a .npy file (version 1.0, little-endian, C order), atomically. */
    public static void write(Path file, NpyArray a) {
        AtomicFiles.write(file, out -> write(out, a));
    }

    public static byte[] toBytes(NpyArray a) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(bos, a);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static void write(OutputStream out, NpyArray a) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] dims = a.shape();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(',');
            if (i < dims.length - 1) {
                shape.append(' ');
            }
        }
        if (dims.length > 1) {
            shape.setLength(shape.length() - 1); // numpy writes (2, 3) but (5,)
        }
        shape.append(')');
        String header = "{'descr': '" + a.dtype().descr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        if (header.length() > 65535) {
            throw new IllegalArgumentException("npy header too long");
        }
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >>> 8);
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = a.bytes();
        byte[] chunk = new byte[1 << 16];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
