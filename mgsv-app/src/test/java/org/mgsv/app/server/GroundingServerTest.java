package org.mgsv.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.testutil.Media;
import org.mgsv.app.testutil.TestEncoders;
import org.mgsv.search.CatalogIndexer;
import org.mgsv.search.DefaultMediaPipeline;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MediaRenderer;
import org.mgsv.search.Searcher;
import org.mgsv.search.SyntheticGroundingModel;
import org.mgsv.search.catalog.InMemoryCatalogStore;

/** The HTTP API on real decoding (generated media), with the synthetic model. */
class GroundingServerTest {
    @TempDir static Path tmp;
    static GroundingServer server;
    static HttpClient client;
    static ObjectMapper json = new ObjectMapper();
    static Path video;
    static final long MAX_UPLOAD = 2L << 20;

    @BeforeAll
    static void start() throws Exception {
        Media.assumeFfmpeg();
        Path music = Files.createDirectories(tmp.resolve("music"));
        Media.tone(music.resolve("low-tone.ogg"), 220, 20);
        Media.tone(music.resolve("high-tone.ogg"), 880, 25);
        video = Media.video(tmp.resolve("clip.mp4"), 6, 10);
        SyntheticGroundingModel model = new SyntheticGroundingModel();
        DefaultMediaPipeline media = new DefaultMediaPipeline(TestEncoders.frames(), TestEncoders.segments(), 50, 1,
                null);
        InMemoryCatalogStore store = new InMemoryCatalogStore(256, 96);
        new CatalogIndexer(store, model, media, 8, false).indexAll(org.mgsv.core.data.MediaFiles.list(music, org.mgsv.core.data.MediaFiles.AUDIO_EXTENSIONS).files(), Map.of(), false);
        GroundingService service = new GroundingService(store, model, media, new MediaRenderer(), Searcher.Kind.EXACT, 1);
        server = new GroundingServer(service, new GroundingServer.Config("127.0.0.1", 0, MAX_UPLOAD,
                Duration.ofSeconds(60), 1, 4, 8)).start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String path, byte[] body, String type) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode body(HttpResponse<byte[]> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "JSON answer, got " + r.headers().firstValue("Content-Type"));
        return json.readTree(r.body());
    }

    static void assertError(HttpResponse<byte[]> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode b = body(r);
        assertTrue(b.hasNonNull("error") && !b.get("error").asText().isEmpty(), b.toString());
    }

    static void assertStillServing() throws Exception {
        HttpResponse<byte[]> h = get("api/health");
        assertEquals(200, h.statusCode());
        assertEquals("ok", body(h).get("status").asText());
    }

    @Test
    void healthAndListingHideServerPaths() throws Exception {
        JsonNode h = body(get("api/health"));
        assertEquals(2, h.get("tracks").asInt());
        String listing = new String(get("api/tracks").body(), StandardCharsets.UTF_8);
        assertTrue(listing.contains("low-tone") && listing.contains("high-tone"), listing);
        assertFalse(listing.contains(tmp.toString()), "no server paths in the listing");
    }

    @Test
    void groundsAnUploadedVideo() throws Exception {
        HttpResponse<byte[]> r = post("api/ground?top=2", Files.readAllBytes(video), "video/mp4");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode b = body(r);
        assertTrue(b.get("upload").asText().matches("[0-9a-f]{32}"));
        assertEquals(6.0, b.get("videoDuration").asDouble(), 0.1);
        JsonNode res = b.get("results");
        assertEquals(2, res.size());
        for (JsonNode g : res) {
            double len = g.get("moment").get("end").asDouble() - g.get("moment").get("start").asDouble();
            assertEquals(b.get("videoDuration").asDouble(), len, 1e-6);
            assertTrue(g.has("raw") && g.has("dualScore") && g.has("singleScore"));
        }
        assertTrue(res.get(0).get("score").asDouble() >= res.get(1).get("score").asDouble());
    }

    @Test
    void oversizeUploadIs413AndServerKeepsServing() throws Exception {
        byte[] big = Arrays.copyOf(Files.readAllBytes(video), (int) MAX_UPLOAD + 100_000);
        // repeated: a close with unread body bytes resets the connection, which loses the answer only sometimes
        for (int i = 0; i < 12; i++) {
            assertError(post("api/ground", big, "video/mp4"), 413);
        }
        assertStillServing();
    }

    @Test
    void notAVideoIs415() throws Exception {
        assertError(post("api/ground", "hello, I am a text file named clip.mp4".repeat(50).getBytes(StandardCharsets.UTF_8), "video/mp4"), 415);
        // an audio-only file is no video either (ID3/mp3 magic)
        byte[] id3 = Arrays.copyOf("ID3\u0004\u0000".getBytes(StandardCharsets.UTF_8), 4096);
        assertError(post("api/ground", id3, "video/mp4"), 415);
        assertError(post("api/ground", new byte[0], "video/mp4"), 400);
        assertStillServing();
    }

    @Test
    void truncatedVideoIs422AndServerKeepsServing() throws Exception {
        byte[] all = Files.readAllBytes(video);
        assertError(post("api/ground", Arrays.copyOf(all, all.length / 3), "video/mp4"), 422);
        assertError(post("api/ground", Arrays.copyOf(all, 64), "video/mp4"), 422);
        assertStillServing();
        assertEquals(200, post("api/ground?top=1", all, "video/mp4").statusCode());
    }

    @Test
    void badParametersAndMethods() throws Exception {
        assertError(post("api/ground?top=abc", Files.readAllBytes(video), "video/mp4"), 400);
        assertError(post("api/ground?snap=bars", Files.readAllBytes(video), "video/mp4"), 400);
        assertError(get("api/ground"), 405);
        assertError(get("api/nothing"), 404);
    }

    @Test
    void trackAudioRangeIsWavAndIdsAreChecked() throws Exception {
        HttpResponse<byte[]> r = get("api/tracks/low-tone/audio?start=2&end=5");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("RIFF", new String(r.body(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(44 + 2 * 3 * 22050, r.body().length, 2 * 22050 / 100);
        assertError(get("api/tracks/nope/audio"), 404);
        assertError(get("api/tracks/%2e%2e/audio"), 400);
        assertError(get("api/tracks/low-tone/audio?start=5&end=2"), 400);
        assertError(get("api/tracks/low-tone/audio?start=500&end=600"), 400);
    }

    @Test
    void renderChecksTokenTrackAndSpan() throws Exception {
        JsonNode g = body(post("api/ground?top=1", Files.readAllBytes(video), "video/mp4"));
        String token = g.get("upload").asText();
        JsonNode best = g.get("results").get(0);
        String ok = json.writeValueAsString(Map.of("upload", token, "track", best.get("trackId").asText(), "start",
                best.get("moment").get("start").asDouble(), "end", best.get("moment").get("end").asDouble(),
                "originalAudio", "duck"));
        HttpResponse<byte[]> r = post("api/render", ok.getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("video/mp4", r.headers().firstValue("Content-Type").orElse(""));
        Path out = tmp.resolve("rendered.mp4");
        Files.write(out, r.body());
        assertEquals(List.of("video", "audio"), Media.streams(out));
        assertEquals(Media.duration(video), Media.duration(out), 0.1);

        assertError(post("api/render", "{\"upload\":\"../../etc/passwd\",\"track\":\"low-tone\",\"start\":0,\"end\":6}"
                .getBytes(StandardCharsets.UTF_8), "application/json"), 400);
        assertError(post("api/render", ("{\"upload\":\"" + "0".repeat(32) + "\",\"track\":\"low-tone\",\"start\":0,\"end\":6}")
                .getBytes(StandardCharsets.UTF_8), "application/json"), 404);
        assertError(post("api/render", ("{\"upload\":\"" + token + "\",\"track\":\"nope\",\"start\":0,\"end\":6}")
                .getBytes(StandardCharsets.UTF_8), "application/json"), 404);
        assertError(post("api/render", ("{\"upload\":\"" + token + "\",\"track\":\"low-tone\",\"start\":18,\"end\":30}")
                .getBytes(StandardCharsets.UTF_8), "application/json"), 400);
        assertError(post("api/render", "not json".getBytes(StandardCharsets.UTF_8), "application/json"), 400);
        assertStillServing();
    }

    @Test
    void servesThePage() throws Exception {
        HttpResponse<byte[]> r = get("");
        assertEquals(200, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("Drop a video"));
        assertEquals(200, get("app.js").statusCode());
        assertEquals(200, get("app.css").statusCode());
    }
}
