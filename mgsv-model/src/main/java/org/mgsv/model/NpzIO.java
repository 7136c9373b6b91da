package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/** Named-array files: {@code .npz} (plain or compressed) and {@code .safetensors}, read and written by DJL. */
public final class NpzIO {
    private NpzIO() {}

    /** Reads every array of {@code file} into {@code m}, keyed by its name (keys may contain '/'). */
    public static Map<String, NDArray> read(Path file, NDManager m) {
        if (!Files.isRegularFile(file)) {
            throw new MgsvException(file + ": no such file");
        }
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!(n.endsWith(".npz") || n.endsWith(".safetensors") || n.endsWith(".npy"))) {
            throw new MgsvException(file + ": expected a .npz or .safetensors file");
        }
        NDList list;
        NDManager raw = m.newSubManager();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            list = NDList.decode(raw, in);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw new MgsvException(file + ": cannot read arrays (" + e.getMessage() + ")", e);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        int i = 0;
        for (NDArray a : list) {
            String name = a.getName();
            if (name == null || name.isEmpty()) {
                name = "arr_" + i;
            }
            if (name.endsWith(".npy")) {
                name = name.substring(0, name.length() - 4);
            }
            // decoded arrays may share memory with Java buffers that the GC reclaims: copy into native memory
            NDArray owned = a.duplicate();
            owned.attach(m);
            owned.setName(name);
            out.put(name, owned);
            i++;
        }
        raw.close();
        return out;
    }

    /** Writes named arrays atomically; the format follows the extension (.npz or .safetensors). */
    public static void write(Path file, Map<String, NDArray> arrays) {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            a.setName(e.getKey());
            list.add(a);
        }
        NDList.Encoding enc = file.getFileName().toString().endsWith(".safetensors")
                ? NDList.Encoding.SAFETENSORS : NDList.Encoding.NPZ;
        AtomicFiles.write(file, out -> list.encode(out, enc));
    }
}
