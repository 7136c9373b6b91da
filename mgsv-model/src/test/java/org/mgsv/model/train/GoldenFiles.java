package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Access to the shared reference data (tests skip when it is absent). */
public final class GoldenFiles {
    private GoldenFiles() {}

    public static Path shared() {
        String s = System.getProperty("mgsv.shared", "../shared");
        return Path.of(s);
    }

    public static Path dir(String set) {
        Path p = shared().resolve("golden").resolve(set);
        Assumptions.assumeTrue(Files.isDirectory(p), "reference data absent: " + p);
        return p;
    }

    /** Every array of an .npz by name, float64 converted to float32 (unless keep64). */
    public static Map<String, NDArray> npz(NDManager m, Path file, boolean keep64) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : org.mgsv.model.NpzIO.read(file, m).entrySet()) {
            NDArray a = e.getValue();
            out.put(e.getKey(), !keep64 && a.getDataType() == DataType.FLOAT64 ? a.toType(DataType.FLOAT32, false) : a);
        }
        return out;
    }

    public static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }
}
