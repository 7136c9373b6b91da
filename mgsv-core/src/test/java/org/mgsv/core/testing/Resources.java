package org.mgsv.core.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Access to test resources as files. */
public final class Resources {
    private Resources() {}

    /** The file of classpath resource {@code name} (e.g. {@code "torchsave/f32_2x3.pt"}). */
    public static Path path(String name) {
        URL u = Resources.class.getClassLoader().getResource(name);
        if (u == null) {
            throw new IllegalArgumentException("test resource not found: " + name);
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
