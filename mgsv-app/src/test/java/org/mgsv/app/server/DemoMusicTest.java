package org.mgsv.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.BeatTracker;
import org.mgsv.media.audio.DecodedAudio;

/** The synthesised demo pieces decode and carry the tempo they were written with. */
class DemoMusicTest {
    @TempDir Path tmp;

    @Test
    void synthesisedPiecesHaveTheirTempo() throws Exception {
        List<Path> files = DemoMusic.synthesise(tmp, 2);
        assertEquals(2, files.size());
        double[] bpm = {72, 90};
        for (int i = 0; i < files.size(); i++) {
            DecodedAudio d = AudioDecoder.decode(files.get(i));
            assertEquals(60.0, d.durationSeconds(), 0.01);
            BeatTracker.Beats b = BeatTracker.track(files.get(i));
            double ratio = b.bpm() / bpm[i];
            boolean octave = Math.abs(ratio - 1) < 0.04 || Math.abs(ratio - 2) < 0.08 || Math.abs(ratio - 0.5) < 0.02;
            assertTrue(octave, files.get(i).getFileName() + ": tracked " + b.bpm() + " BPM, written at " + bpm[i]);
            assertTrue(b.downbeats().length > 5, "downbeats found");
        }
    }

    @Test
    void aFolderNamedByThePropertyComesFirstAndBadOnesAreNamed() throws Exception {
        String before = System.getProperty(DemoMusic.PROPERTY);
        try {
            Path dir = java.nio.file.Files.createDirectories(tmp.resolve("mine/sub"));
            java.nio.file.Files.writeString(dir.resolve("b.flac"), "x");
            java.nio.file.Files.writeString(tmp.resolve("mine/a.mp3"), "x");
            java.nio.file.Files.writeString(tmp.resolve("mine/notes.txt"), "x");
            System.setProperty(DemoMusic.PROPERTY, tmp.resolve("mine").toString());
            DemoMusic.Found f = DemoMusic.find(10);
            assertEquals(List.of(tmp.resolve("mine/a.mp3"), dir.resolve("b.flac")), f.files());
            assertEquals(tmp.resolve("mine").toString(), f.source());
            assertEquals(1, DemoMusic.find(1).files().size());
            assertTrue(DemoMusic.meta(f.files()).isEmpty(), "the user's music is not credited to anyone");

            System.setProperty(DemoMusic.PROPERTY, tmp.resolve("nope").toString());
            org.mgsv.core.MgsvException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.mgsv.core.MgsvException.class, () -> DemoMusic.find(10));
            assertTrue(e.getMessage().contains(DemoMusic.PROPERTY) && e.getMessage().contains("nope"), e.getMessage());
            System.setProperty(DemoMusic.PROPERTY, dir.getParent().resolve("..").resolve("mine").resolve("sub")
                    .resolveSibling("empty").toString());
            java.nio.file.Files.createDirectories(tmp.resolve("mine/empty"));
            e = org.junit.jupiter.api.Assertions.assertThrows(org.mgsv.core.MgsvException.class, () -> DemoMusic.find(10));
            assertTrue(e.getMessage().contains("no audio files"), e.getMessage());
            assertTrue(DemoMusic.NOT_FOUND.contains(DemoMusic.ENV) && DemoMusic.NOT_FOUND.contains("wesnoth-music"));
        } finally {
            if (before == null) {
                System.clearProperty(DemoMusic.PROPERTY);
            } else {
                System.setProperty(DemoMusic.PROPERTY, before);
            }
        }
    }
}
