package org.mgsv.media.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/**
 * Minimal NumPy {@code .npy}/{@code .npz} I/O for the audio front end: reads little-endian float32, float64,
 * int64 and int32 arrays (C order; npz stored or deflated) as float arrays with their shape, and writes float32
 * arrays into an uncompressed {@code .npz} (readable by {@code numpy.load}).
 */
public final class NpyArrays {
    private NpyArrays() {}

    /** A dense array: values in C order and its shape. */
    public record Array(float[] data, int[] shape) {}

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads one {@code .npy} file. */
    public static Array readNpy(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads every array of an {@code .npz} file, keyed by name (without {@code .npy}). */
    public static Map<String, Array> readNpz(Path file) {
        Map<String, Array> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                try (InputStream in = z.getInputStream(e)) {
                    String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                    out.put(key, parse(in.readAllBytes(), file + ":" + name));
                }
            }
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + " as .npz: " + e.getMessage(), e);
        }
        return out;
    }

    private static Array parse(byte[] b, String what) {
        if (b.length < 10 || b[0] != (byte) 0x93 || b[1] != 'N' || b[2] != 'U' || b[3] != 'M') {
            throw new MgsvException(what + ": not a .npy array (bad magic)");
        }
        int major = b[6];
        int headerLen;
        int pos;
        if (major == 1) {
            headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            pos = 10;
        } else {
            headerLen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            pos = 12;
        }
        String header = new String(b, pos, headerLen, StandardCharsets.ISO_8859_1);
        pos += headerLen;
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new MgsvException(what + ": unreadable .npy header " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new MgsvException(what + ": Fortran-order arrays are not supported");
        }
        String[] dims = s.group(1).split(",");
        int count = 0;
        int[] shape = new int[dims.length];
        long size = 1;
        for (String dim : dims) {
            if (!dim.isBlank()) {
                shape[count] = Integer.parseInt(dim.trim());
                size *= shape[count];
                count++;
            }
        }
        shape = java.util.Arrays.copyOf(shape, count);
        ByteBuffer bb = ByteBuffer.wrap(b, pos, b.length - pos).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = new float[(int) size];
        switch (d.group(1)) {
            case "<f4" -> bb.asFloatBuffer().get(data);
            case "<f8" -> { for (int i = 0; i < size; i++) { data[i] = (float) bb.getDouble(); } }
            case "<i8" -> { for (int i = 0; i < size; i++) { data[i] = bb.getLong(); } }
            case "<i4" -> { for (int i = 0; i < size; i++) { data[i] = bb.getInt(); } }
            default -> throw new MgsvException(what + ": unsupported dtype " + d.group(1));
        }
        return new Array(data, shape);
    }

    /** Writes float32 arrays to an uncompressed {@code .npz} atomically (temp file + rename). */
    public static void writeNpz(Path file, Map<String, Array> arrays) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream z = new ZipOutputStream(out);
            z.setLevel(0);
            for (Map.Entry<String, Array> e : arrays.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                writeNpy(z, e.getValue());
                z.closeEntry();
            }
            z.finish();
        });
    }

    /** Writes one float32 array in .npy format (version 1.0). */
    public static void writeNpy(OutputStream out, Array a) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().length; i++) {
            shape.append(a.shape()[i]).append(a.shape().length == 1 ? "," : (i + 1 < a.shape().length ? ", " : ""));
        }
        shape.append(")");
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder header = new StringBuilder(h);
        header.append(" ".repeat(pad)).append('\n');
        ByteArrayOutputStream buf = new ByteArrayOutputStream(10 + header.length() + a.data().length * 4);
        buf.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int hl = header.length();
        buf.write(hl & 0xff);
        buf.write((hl >> 8) & 0xff);
        buf.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer bb = ByteBuffer.allocate(a.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(a.data());
        buf.write(bb.array());
        buf.writeTo(out);
    }
}
