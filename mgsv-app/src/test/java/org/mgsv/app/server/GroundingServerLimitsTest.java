package org.mgsv.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MediaPipeline;
import org.mgsv.search.Searcher;
import org.mgsv.search.SyntheticGroundingModel;
import org.mgsv.search.catalog.InMemoryCatalogStore;
import org.mgsv.search.catalog.TrackRecord;

/** Per-request timeout (504) and the bounded queue (503), with a media pipeline that takes its time. */
class GroundingServerLimitsTest {
    static class SlowMedia implements MediaPipeline {
        final long millis;

        SlowMedia(long millis) {
            this.millis = millis;
        }

        @Override
        public ExtractedVideo video(Path file) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("cancelled");
            }
            float[][] f = new float[50][512];
            float[] m = new float[50];
            for (int i = 0; i < 5; i++) {
                m[i] = 1;
                f[i][i] = 1;
            }
            return new ExtractedVideo(f, m, 5.0);
        }

        @Override
        public ExtractedMusic music(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public float[] audio(Path file, int sampleRate, double start, double end) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String name() {
            return "slow";
        }
    }

    static byte[] fakeMp4() {
        byte[] b = new byte[2048];
        byte[] box = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
        System.arraycopy(box, 0, b, 0, box.length);
        return b;
    }

    static GroundingServer server(long mediaMillis, Duration timeout, int workers, int queue) throws Exception {
        SyntheticGroundingModel model = new SyntheticGroundingModel();
        InMemoryCatalogStore store = new InMemoryCatalogStore(256, 96);
        float[][] feats = new float[96][768];
        float[] mask = new float[96];
        for (int s = 0; s < 40; s++) {
            mask[s] = 1;
            feats[s][s] = 1;
        }
        GroundingModel.EncodedMusic e = model.encodeMusic(feats, mask);
        store.add(TrackRecord.builder("t1").title("T").durationSeconds(100).vectors(e.tokens(), e.mask(), e.h0())
                .build());
        GroundingService svc = new GroundingService(store, model, new SlowMedia(mediaMillis), null, Searcher.Kind.EXACT, 1);
        return new GroundingServer(svc, new GroundingServer.Config("127.0.0.1", 0, 1 << 20, timeout, workers, queue, 4))
                .start();
    }

    static HttpResponse<String> ground(HttpClient c, GroundingServer s) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(s.url() + "api/ground")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(fakeMp4())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void slowRequestTimesOutWith504AndServerKeepsServing() throws Exception {
        try (GroundingServer s = server(5000, Duration.ofMillis(500), 1, 2)) {
            HttpClient c = HttpClient.newHttpClient();
            HttpResponse<String> r = ground(c, s);
            assertEquals(504, r.statusCode(), r.body());
            assertTrue(new ObjectMapper().readTree(r.body()).get("error").asText().contains("longer than"));
            HttpResponse<String> h = c.send(HttpRequest.newBuilder(URI.create(s.url() + "api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode());
        }
    }

    @Test
    void fullQueueAnswers503() throws Exception {
        try (GroundingServer s = server(1500, Duration.ofSeconds(30), 1, 1)) {
            HttpClient c = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return ground(c, s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<HttpResponse<String>> f : fs) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    assertTrue(r.body().contains("\"error\""));
                    busy++;
                }
            }
            assertTrue(ok >= 1 && ok <= 2, "one running + one queued succeed: " + ok);
            assertEquals(4 - ok, busy);
            assertEquals(200, ground(c, s).statusCode(), "serving again once the queue drained");
        }
    }

    @Test
    void aPreviewOfALongTrackDecodesTheWindowNotTheTrack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path src = java.nio.file.Files.write(dir.resolve("hour.flac"), new byte[] {1});
        List<double[]> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        MediaPipeline media = new SlowMedia(0) {
            @Override
            public float[] audio(Path file, int sampleRate, double start, double end) {
                asked.add(new double[] {start, end});
                return new float[(int) Math.round((end - start) * sampleRate)];
            }
        };
        SyntheticGroundingModel model = new SyntheticGroundingModel();
        InMemoryCatalogStore store = new InMemoryCatalogStore(256, 96);
        float[][] feats = new float[96][768];
        float[] mask = new float[96];
        mask[0] = 1;
        feats[0][0] = 1;
        GroundingModel.EncodedMusic e = model.encodeMusic(feats, mask);
        store.add(TrackRecord.builder("long").title("L").durationSeconds(3600).sourcePath(src.toString())
                .vectors(e.tokens(), e.mask(), e.h0()).build());
        GroundingService svc = new GroundingService(store, model, media, null, Searcher.Kind.EXACT, 1);
        try (GroundingServer s = new GroundingServer(svc, new GroundingServer.Config("127.0.0.1", 0, 1 << 20,
                Duration.ofSeconds(30), 1, 2, 4)).start()) {
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.url() + "api/tracks/long/audio?start=3590&end=3600")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertEquals(44 + 2 * 10 * 22050, r.body().length, 4, "10 s of 16-bit mono WAV");
        }
        assertEquals(1, asked.size());
        assertEquals(3590, asked.get(0)[0], 1e-9, "decoded from the window's start, not from 0");
        assertEquals(3600, asked.get(0)[1], 1e-9);
    }

    @Test
    void aFailedStartNamesThePortAndLeavesNoTemporaryFolder() throws Exception {
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<Long> serveDirs = () -> {
            try (var st = java.nio.file.Files.list(tmpRoot)) {
                return st.filter(p -> p.getFileName().toString().startsWith("mgsv-serve-")).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        GroundingService svc = new GroundingService(new InMemoryCatalogStore(256, 96), new SyntheticGroundingModel(),
                new SlowMedia(0), null, Searcher.Kind.EXACT, 1);
        long before = serveDirs.get();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            org.mgsv.core.MgsvException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.mgsv.core.MgsvException.class, () -> new GroundingServer(svc, new GroundingServer.Config(
                            "127.0.0.1", taken.getLocalPort(), 1 << 20, Duration.ofSeconds(5), 1, 1, 4)));
            assertTrue(e.getMessage().contains(":" + taken.getLocalPort()) && e.getMessage().contains("--port"),
                    e.getMessage());
        }
        assertEquals(before, serveDirs.get(), "no mgsv-serve-* folder left by the failed start");
        for (GroundingServer.Config bad : List.of(
                new GroundingServer.Config("127.0.0.1", 99999, 1 << 20, Duration.ofSeconds(5), 1, 1, 4),
                new GroundingServer.Config("127.0.0.1", 0, 1 << 20, Duration.ofSeconds(5), 0, 1, 4))) {
            org.mgsv.core.MgsvException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.mgsv.core.MgsvException.class, () -> new GroundingServer(svc, bad));
            assertTrue(e.getMessage().startsWith("--port 99999") || e.getMessage().startsWith("--workers"),
                    e.getMessage());
        }
        assertEquals(before, serveDirs.get());
    }

    private static java.net.Socket raw(GroundingServer s, String text) throws Exception {
        java.net.Socket k = new java.net.Socket("127.0.0.1", s.port());
        k.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        k.getOutputStream().flush();
        return k;
    }

    private static String statusLine(java.net.Socket k) throws Exception {
        k.setSoTimeout(10_000);
        return new java.io.BufferedReader(new java.io.InputStreamReader(k.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void eightStalledClientsDoNotFreezeTheServer() throws Exception {
        try (GroundingServer s = server(10, Duration.ofSeconds(30), 1, 2)) {
            List<java.net.Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // headers never finished
                    stalled.add(raw(s, "POST /api/ground HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty"));
                }
                for (int i = 0; i < 4; i++) { // a body that trickles
                    stalled.add(raw(s, "POST /api/ground HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n"
                            + "\0\0\0\u0018ftyp"));
                }
                Thread.sleep(300);
                HttpClient c = HttpClient.newHttpClient();
                long t0 = System.nanoTime();
                HttpResponse<String> h = c.send(HttpRequest.newBuilder(URI.create(s.url() + "api/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, h.statusCode());
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "health answered while 8 clients stall");
                assertEquals(200, ground(c, s).statusCode(), "and grounding still works");
            } finally {
                for (java.net.Socket k : stalled) {
                    k.close();
                }
            }
        }
    }

    @Test
    void anAnnouncedHugeBodyGets413FromTheHeaderAlone() throws Exception {
        try (GroundingServer s = server(10, Duration.ofSeconds(30), 1, 2);
                java.net.Socket k = raw(s, "POST /api/ground HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Length: 10000000000\r\n\r\n\0\0\0\u0018ftyp")) {
            String line = statusLine(k);
            assertTrue(line != null && line.startsWith("HTTP/1.1 413"), line);
        }
    }

    @Test
    void foreignHostsAreRefusedAndResponsesAreNotSniffed() throws Exception {
        try (GroundingServer s = server(10, Duration.ofSeconds(30), 1, 2);
                java.net.Socket k = raw(s, "GET /api/health HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n")) {
            String line = statusLine(k);
            assertTrue(line != null && line.startsWith("HTTP/1.1 421"), line);
            HttpResponse<String> h = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.url() + "api/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode());
            assertEquals("nosniff", h.headers().firstValue("X-Content-Type-Options").orElse(""));
            HttpResponse<String> nf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.url() + "api/nope")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, nf.statusCode());
            assertEquals("nosniff", nf.headers().firstValue("X-Content-Type-Options").orElse(""));
        }
    }

    @Test
    void errorMessagesNeverCarryAbsolutePaths() {
        String m = GroundingServer.clean("cannot decode /home/someone/Music/My Album/track 1.mp3: bad header; "
                + "see /tmp/mgsv-serve-123/uploads/0123456789abcdef0123456789abcdef.video and ./rel/x.wav");
        assertTrue(!m.contains("/home") && !m.contains("/tmp") && !m.contains("someone"), m);
        assertTrue(m.contains("upload") && m.contains("./rel/x.wav"), m);
    }
}
