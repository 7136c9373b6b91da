package org.mgsv.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

/** SHA-256 against the FIPS 180-2 test vector, a file across several read blocks, and a missing file's error. */
class DigestsTest {
    @TempDir Path dir;

    @Test
    void digestsTextAndFilesAsSha256() throws Exception {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(abc, Digests.sha256("abc"));
        Path small = Files.writeString(dir.resolve("abc.txt"), "abc");
        assertEquals(abc, Digests.sha256(small));
        // longer than one read block: the file's digest is its whole text's
        String big = "x".repeat(200_000) + "é";
        assertEquals(Digests.sha256(big), Digests.sha256(Files.writeString(dir.resolve("big.txt"), big)));
    }

    @Test
    void aMissingFileIsNamedInTheError() {
        Path missing = dir.resolve("nope.bin");
        MgsvException e = assertThrows(MgsvException.class, () -> Digests.sha256(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
