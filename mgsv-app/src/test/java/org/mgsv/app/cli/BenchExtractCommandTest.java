package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.media.testutil.Ffmpeg;

/** Wiring of {@code bench extract} (figures are not checked: speed is reported, not tested). */
class BenchExtractCommandTest {
    @TempDir Path tmp;

    @Test
    void jsonHasMachineAndBothParts() throws Exception {
        Ffmpeg.assumeAvailable();
        Path v = Ffmpeg.testVideo(tmp.resolve("v.mp4"), 2, "96x64", 10);
        Path a = tmp.resolve("a.mp3");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=d=5", a.toString());
        CliRun r = CliRun.run("bench", "extract", "--video", v.toString(), "--audio",
                a.toString(), "--repeats", "5", "--warmup", "0", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.path("machine").path("threads").asInt());
        assertEquals(3, j.path("video").path("frames").asInt());
        assertTrue(j.path("video").path("framesPerSecond").asDouble() > 0);
        assertEquals(5.0, j.path("audio").path("trackSeconds").asDouble(), 0.1);
        assertTrue(j.path("audio").path("realTime").asDouble() > 0);

        CliRun few = CliRun.run("bench", "extract", "--video", v.toString(), "--repeats", "2");
        assertEquals(1, few.code());
    }
}
