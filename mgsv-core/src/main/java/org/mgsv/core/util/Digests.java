package org.mgsv.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.mgsv.core.MgsvException;

/** SHA-256 digests in lower-case hex: of a file (read in blocks) and of a text (its UTF-8 bytes). */
public final class Digests {
    private Digests() {}

    /** The SHA-256 of {@code file}'s bytes; an {@link MgsvException} naming the file when it cannot be read. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = sha256();
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes. */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
