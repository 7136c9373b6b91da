package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Location of the shared reference data (system property mgsv.shared); tests skip when it is absent. */
public final class SharedData {
    private SharedData() {}

    public static Path forwardA() {
        return require("golden/forward-A");
    }

    /** The forward-A network: the reference configuration with the set's weights, arrays in {@code m}. */
    public static MadeNetwork forwardANetwork(NDManager m) {
        Map<String, NDArray> sd = NpzIO.read(forwardA().resolve("state_dict.npz"), m);
        return new MadeNetwork(MadeParams.fromArrays(MadeConfig.reference(), m, sd));
    }

    /** The forward-A batch (4 pairs). */
    public static MadeInputs forwardAInputs(NDManager m) {
        Map<String, NDArray> in = NpzIO.read(forwardA().resolve("inputs.npz"), m);
        return new MadeInputs(in.get("frame_feats"), in.get("frame_masks"), in.get("segment_feats"),
                in.get("segment_masks"));
    }

    public static Path require(String sub) {
        String s = System.getProperty("mgsv.shared");
        Assumptions.assumeTrue(s != null, "mgsv.shared not set");
        Path p = Path.of(s).resolve(sub);
        Assumptions.assumeTrue(Files.isDirectory(p), "shared reference data absent: " + p);
        return p;
    }
}
