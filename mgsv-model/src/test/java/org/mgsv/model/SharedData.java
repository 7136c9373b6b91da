package org.mgsv.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Location of the shared reference data (system property mgsv.shared); tests skip when it is absent. */
public final class SharedData {
    private SharedData() {}

    public static Path forwardA() {
        return require("golden/forward-A");
    }

    public static Path require(String sub) {
        String s = System.getProperty("mgsv.shared");
        Assumptions.assumeTrue(s != null, "mgsv.shared not set");
        Path p = Path.of(s).resolve(sub);
        Assumptions.assumeTrue(Files.isDirectory(p), "shared reference data absent: " + p);
        return p;
    }
}
