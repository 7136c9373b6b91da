package org.mgsv.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.media.testutil.Ffmpeg;

class VideoBenchTest {
    @Test
    void reportsFramesAndTimes(@TempDir Path tmp) throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = Ffmpeg.testVideo(tmp.resolve("v.mp4"), 3, "160x90", 10);
        VideoBench.Result r = VideoBench.run(v, 0, 1, 1);
        assertEquals(4, r.frames(), "3.0 s: slots 0..3, the last one the end frame");
        assertEquals(160, r.width());
        assertTrue(r.totalMs() > 0 && r.framesPerSecond() > 0);
        assertTrue(r.summary().contains("frames/s"), r.summary());
    }
}
