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

    /**
     * {@code --real-size} wiring on stand-ins: the tiny fixtures under the real-size names (the real-size models
     * themselves are built and timed only by the bench command).
     */
    @Test
    void realSizeComparesFp32WithInt8() throws Exception {
        Ffmpeg.assumeAvailable();
        Path models = java.nio.file.Files.createDirectories(tmp.resolve("models"));
        copyResource("onnx/tiny_clip.onnx", models.resolve("clip-vit-b32-image.onnx"));
        copyResource("onnx/tiny_ast.onnx", models.resolve("ast-audioset.onnx"));
        Path v = Ffmpeg.testVideo(tmp.resolve("v.mp4"), 3, "96x64", 10);
        Path a = tmp.resolve("a.wav");
        Ffmpeg.run("-f", "lavfi", "-i", "sine=d=12", a.toString());
        CliRun r = CliRun.run("bench", "extract", "--real-size", "--models", models.toString(), "--video",
                v.toString(), "--audio", a.toString(), "--repeats", "5", "--warmup", "0", "--threads", "1",
                "--windows", "3", "--peak-gflops", "fp32=100", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.path("machine").path("cpuFlags").has("avx512_vnni"));
        JsonNode rs = j.path("realSize");
        assertEquals(2, rs.path("figures").size());
        assertEquals("fp32", rs.path("figures").get(0).path("precision").asText());
        assertEquals("int8", rs.path("figures").get(1).path("precision").asText());
        assertEquals(4, rs.path("accuracyFrames").asInt());
        assertEquals(3, rs.path("accuracyWindows").asInt());
        JsonNode int8 = rs.path("figures").get(1);
        assertTrue(int8.path("frameMeanCosine").asDouble() > 0.99, int8.toString());
        assertTrue(int8.path("windowMinCosine").asDouble() > 0.99, int8.toString());
        assertTrue(int8.path("msPerFrame").asDouble() > 0);
        assertEquals(25 * int8.path("msPerFrame").asDouble() / 1000, int8.path("secondsPerVideo24").asDouble(), 1e-9);
        assertEquals(57 * int8.path("msPerWindow").asDouble() / 1000, int8.path("secondsPerTrack140").asDouble(), 1e-9);
        assertTrue(rs.path("fractionOfPeak").has("fp32.frame"));

        CliRun only = CliRun.run("bench", "extract", "--real-size", "--models", models.toString(), "--video",
                v.toString(), "--audio", a.toString(), "--repeats", "5", "--warmup", "0", "--threads", "1",
                "--windows", "1", "--precision", "fp32");
        assertEquals(0, only.code(), only.out() + only.err());
        assertTrue(only.out().contains("encoders: fp32"), only.out());
        assertTrue(!only.out().contains("int8 vs fp32"), only.out());

        CliRun bad = CliRun.run("bench", "extract", "--real-size", "--models", models.toString(), "--precision", "fp16");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("fp16"), bad.err());
    }

    /** A test resource of mgsv-media (inside its test-jar or test-classes) copied to a file. */
    private void copyResource(String name, Path to) throws Exception {
        try (var in = getClass().getResourceAsStream("/" + name)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "mgsv-media test resource " + name + " not found");
            java.nio.file.Files.copy(in, to);
        }
    }
}
