package org.mgsv.core.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Minimal .npz reader for the reference data in tests (C-order little-endian f4, f8, i8 and U strings). */
final class ReferenceNpz {
    /** One array: its dtype descr, shape and raw little-endian data. */
    record Array(String descr, int[] shape, ByteBuffer data) {
        int size() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }

        double[] doubles() {
            double[] out = new double[size()];
            for (int i = 0; i < out.length; i++) {
                switch (descr) {
                    case "<f8" -> out[i] = data.getDouble(i * 8);
                    case "<f4" -> out[i] = data.getFloat(i * 4);
                    case "<i8" -> out[i] = data.getLong(i * 8);
                    default -> throw new IllegalStateException("not numeric: " + descr);
                }
            }
            return out;
        }

        float[] floats() {
            if (!descr.equals("<f4")) {
                throw new IllegalStateException("not f4: " + descr);
            }
            float[] out = new float[size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = data.getFloat(i * 4);
            }
            return out;
        }

        int[] ints() {
            double[] d = doubles();
            int[] out = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (int) d[i];
            }
            return out;
        }

        String[] strings() {
            if (!descr.startsWith("<U")) {
                throw new IllegalStateException("not U: " + descr);
            }
            int w = Integer.parseInt(descr.substring(2));
            String[] out = new String[size()];
            for (int i = 0; i < out.length; i++) {
                StringBuilder sb = new StringBuilder();
                for (int c = 0; c < w; c++) {
                    int cp = data.getInt((i * w + c) * 4);
                    if (cp == 0) {
                        break;
                    }
                    sb.appendCodePoint(cp);
                }
                out[i] = sb.toString();
            }
            return out;
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Map<String, Array> read(Path file) throws IOException {
        Map<String, Array> out = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                String name = e.getName().replaceAll("\\.npy$", "");
                out.put(name, npy(z.readAllBytes()));
            }
        }
        return out;
    }

    private static Array npy(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        int headerLen;
        int off;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            off = 10;
        } else {
            headerLen = bb.getInt(8);
            off = 12;
        }
        String header = new String(b, off, headerLen, StandardCharsets.ISO_8859_1);
        if (header.contains("'fortran_order': True")) {
            throw new IllegalStateException("fortran order");
        }
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IllegalStateException("bad npy header " + header);
        }
        String[] dims = s.group(1).split(",");
        int count = 0;
        int[] shape = new int[dims.length];
        for (String dim : dims) {
            if (!dim.isBlank()) {
                shape[count++] = Integer.parseInt(dim.trim());
            }
        }
        int[] sh = java.util.Arrays.copyOf(shape, count);
        ByteBuffer data = ByteBuffer.wrap(b, off + headerLen, b.length - off - headerLen).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return new Array(d.group(1), sh, data);
    }

    private ReferenceNpz() {}

}
