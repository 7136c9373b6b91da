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
}
