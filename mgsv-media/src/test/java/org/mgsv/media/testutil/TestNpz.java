package org.mgsv.media.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Minimal reader for little-endian float32 .npy arrays inside an .npz (test fixtures only). */
public final class TestNpz {
    private TestNpz() {}

    /** A float32 array and its shape. */
    public record Array(int[] shape, float[] data) {}

    public static Map<String, Array> read(Path npz) throws IOException {
        Map<String, Array> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(e)) {
                    String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
                            : e.getName();
                    out.put(name, readNpy(in.readAllBytes()));
                }
            }
        }
        return out;
    }

    public static Array readNpy(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException("only C-order float32 supported: " + header);
        }
        Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("no shape in " + header);
        }
        String[] parts = m.group(1).split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            if (!p.isBlank()) {
                shape[n++] = Integer.parseInt(p.trim());
            }
        }
        shape = java.util.Arrays.copyOf(shape, n);
        int count = 1;
        for (int s : shape) {
            count *= s;
        }
        float[] data = new float[count];
        bb.position(start + headerLen);
        bb.asFloatBuffer().get(data);
        return new Array(shape, data);
    }
}
