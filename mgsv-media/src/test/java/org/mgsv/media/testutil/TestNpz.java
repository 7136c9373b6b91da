package org.mgsv.media.testutil;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.core.tensor.Tensor;

/** Float32 arrays of an .npz fixture (through mgsv-core's reader), keyed by name. */
public final class TestNpz {
    private TestNpz() {}

    /** A float array and its shape. */
    public record Array(int[] shape, float[] data) {}

    public static Map<String, Array> read(Path npz) {
        Map<String, Array> out = new LinkedHashMap<>();
        for (Map.Entry<String, NpyArray> e : Npz.read(npz).entrySet()) {
            Tensor t = e.getValue().toTensor();
            out.put(e.getKey(), new Array(t.shape(), t.toArray()));
        }
        return out;
    }
}
