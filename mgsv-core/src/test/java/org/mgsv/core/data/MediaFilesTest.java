package org.mgsv.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

/** One discovery and one id for every command: extensions, hidden entries, links, unreadable folders, Unicode. */
class MediaFilesTest {
    @TempDir Path tmp;

    @Test
    void idsAreTheNameWithoutExtension() {
        assertEquals("clip_0042", MediaFiles.idOf(Path.of("a/clip_0042.mp4")));
        assertEquals("my.video", MediaFiles.idOf(Path.of("my.video.mov")));
        assertEquals("noext", MediaFiles.idOf(Path.of("noext")));
        assertEquals("_hidden", MediaFiles.idOf(Path.of(".hidden")));
        assertEquals("My Song (1)", MediaFiles.idOf(Path.of("My Song (1).ogg")));
        assertEquals("same, name", MediaFiles.idOf(Path.of("x/same, name.mp4")));
    }

    @Test
    void idsKeepEveryScriptSoDistinctNamesStayDistinct() {
        List<String> names = List.of("Привет.mp3", "Пока.mp3", "夜の歌.ogg", "朝の歌.ogg", "ça va.flac", "Ω.wav",
                "Don’t Stop.mp3", "🎵.mp3", "🎶.mp3");
        Set<String> ids = new HashSet<>();
        for (String n : names) {
            String id = MediaFiles.idOf(Path.of(n));
            assertTrue(MediaFiles.isValidId(id), id);
            ids.add(id);
        }
        assertEquals(names.size(), ids.size(), ids.toString());
        assertEquals("Привет", MediaFiles.idOf(Path.of("Привет.mp3")));
        assertEquals("夜の歌", MediaFiles.idOf(Path.of("夜の歌.ogg")));
        assertEquals("ça va", MediaFiles.idOf(Path.of("ça va.flac")));
    }

    @Test
    void idsAreNfcSoOneNameHasOneIdHoweverItIsEncoded() {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        assertNotEquals(composed, decomposed);
        assertEquals(composed, MediaFiles.idOf(Path.of(decomposed + ".mp3")));
        assertEquals(composed, MediaFiles.idOf(Path.of(composed + ".mp3")));
        assertFalse(MediaFiles.isValidId(decomposed), "a --meta id must be NFC too");
    }

    @Test
    void idsDropControlsSeparatorsAndBidiControlsAndFitAFileName() {
        assertEquals("a\u3000b_c", MediaFiles.idFromName("a\u3000b\u202Ec"));
        assertEquals("x_y_z_w", MediaFiles.idFromName("x\u0007y\tz\nw"));
        assertEquals("a_b_c", MediaFiles.idFromName("a/b\\c"));
        String longCyrillic = "ж".repeat(300);
        String id = MediaFiles.idFromName(longCyrillic);
        assertTrue(id.getBytes(StandardCharsets.UTF_8).length <= MediaFiles.MAX_ID_BYTES, id);
        assertTrue(MediaFiles.isValidId(id));
        assertEquals(MediaFiles.MAX_ID_CHARS, MediaFiles.idFromName("a".repeat(300)).length());
        String emoji = MediaFiles.idFromName("🎵".repeat(100));
        assertTrue(MediaFiles.isValidId(emoji), "no surrogate pair is cut");
        for (String bad : new String[] {"", ".x", "a\tb", "a/b", "a\\b", "x\u202Ey", "a".repeat(129)}) {
            assertFalse(MediaFiles.isValidId(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MediaFiles.checkId("a/b"));
        assertTrue(MediaFiles.isValidId("a b, c (live)"));
    }

    @Test
    void collisionsAreClaimedOnceAndNamed() {
        MediaFiles.IdClaims c = new MediaFiles.IdClaims();
        assertNull(c.claim(MediaFiles.idOf(Path.of("m/sad.OGG")), "m/sad.OGG"));
        assertEquals("m/sad.OGG", c.claim(MediaFiles.idOf(Path.of("m/sad.mp3")), "m/sad.mp3"));
        assertNull(c.claim("sad", "m/sad.OGG"), "the same source again is no collision");
        String msg = MediaFiles.IdClaims.collision("music", "sad", "m/sad.mp3", "m/sad.OGG");
        assertTrue(msg.contains("'sad'") && msg.contains("m/sad.mp3") && msg.contains("m/sad.OGG"), msg);
    }

    @Test
    void listsMediaRecursivelySortedSkippingHiddenAndOtherExtensions() throws Exception {
        Files.createDirectories(tmp.resolve("in/sub"));
        Files.createDirectories(tmp.resolve("in/.cache"));
        Files.writeString(tmp.resolve("in/b.MP4"), "x");
        Files.writeString(tmp.resolve("in/sub/a.mkv"), "x");
        Files.writeString(tmp.resolve("in/.hidden.mp4"), "x");
        Files.writeString(tmp.resolve("in/.cache/c.mp4"), "x");
        Files.writeString(tmp.resolve("in/notes.txt"), "x");
        Files.writeString(tmp.resolve("in/sad.OGG"), "x");
        MediaFiles.Listing l = MediaFiles.list(tmp.resolve("in"), MediaFiles.VIDEO_EXTENSIONS);
        assertEquals(List.of(tmp.resolve("in/b.MP4"), tmp.resolve("in/sub/a.mkv")), l.files());
        assertEquals(List.of(), l.problems());
        assertEquals(List.of(tmp.resolve("in/sad.OGG")), MediaFiles.list(tmp.resolve("in"), MediaFiles.AUDIO_EXTENSIONS).files());
        assertEquals(List.of(tmp.resolve("in/notes.txt")),
                MediaFiles.list(tmp.resolve("in/notes.txt"), MediaFiles.VIDEO_EXTENSIONS).files(), "a named file is taken");
        MgsvException e = assertThrows(MgsvException.class, () -> MediaFiles.list(tmp.resolve("nope"), MediaFiles.VIDEO_EXTENSIONS));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void followsLinksAndReportsLoopsAndBrokenLinksWithoutStopping() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("library"));
        Files.writeString(lib.resolve("t.flac"), "x");
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("a.mp3"), "x");
        Files.createSymbolicLink(in.resolve("linked"), lib);
        Files.createSymbolicLink(in.resolve("alias.mp3"), in.resolve("a.mp3"));
        Files.createSymbolicLink(in.resolve("gone.mp3"), tmp.resolve("missing.mp3"));
        Files.createSymbolicLink(in.resolve("loop"), in);
        MediaFiles.Listing l = MediaFiles.list(in, MediaFiles.AUDIO_EXTENSIONS);
        assertEquals(List.of(in.resolve("a.mp3"), in.resolve("alias.mp3"), in.resolve("linked/t.flac")), l.files());
        assertEquals(2, l.problems().size(), l.problems().toString());
        assertTrue(l.problems().stream().anyMatch(p -> p.contains("gone.mp3") && p.contains("broken")), l.problems().toString());
        assertTrue(l.problems().stream().anyMatch(p -> p.contains("loop")), l.problems().toString());
    }

    @Test
    void anUnreadableFolderIsReportedAndTheRestListed() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("a.mp3"), "x");
        Path locked = Files.createDirectories(in.resolve("locked"));
        Files.writeString(locked.resolve("b.mp3"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            MediaFiles.Listing l = MediaFiles.list(in, MediaFiles.AUDIO_EXTENSIONS);
            if (Files.isReadable(locked)) {
                // the superuser reads every folder: the walk then simply finds both files
                assertEquals(List.of(in.resolve("a.mp3"), locked.resolve("b.mp3")), l.files());
            } else {
                assertEquals(List.of(in.resolve("a.mp3")), l.files());
                assertEquals(1, l.problems().size(), l.problems().toString());
                assertTrue(l.problems().get(0).contains("locked") && l.problems().get(0).contains("permission"),
                        l.problems().get(0));
            }
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
