package org.mgsv.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mgsv.search.catalog.TrackInfo;
import org.mgsv.search.catalog.TrackRecord;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MomentRenderer;
import org.mgsv.search.Searcher;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of {@link GroundingService} on the JDK's built-in server (no dependencies).
 *
 * <pre>
 * GET  /                                  the web page (static HTML/JS/CSS from the class path)
 * GET  /api/health                        {"status":"ok","tracks":n,"model":"..."}
 * GET  /api/tracks                        catalog listing (id, title, artist, licence, duration)
 * POST /api/ground?top=5&snap=beats       body: the video file's bytes → {"upload":token, "results":[...]}
 * GET  /api/tracks/{id}/audio?start=&end= WAV (mono 22.05 kHz) of [start, end) seconds of a catalog track
 * POST /api/render                        {"upload","track","start","end","originalAudio":"drop|duck"} → video/mp4
 * </pre>
 *
 * Safety: uploads are limited in size, streamed to a private work directory under a random name and accepted
 * only when their first bytes are a known video container; track ids are checked against the catalog and
 * upload tokens against the uploads this server holds, so no path from a request reaches the file system.
 * Heavy work runs on a bounded worker pool (a full queue answers 503) with a per-request timeout (504). Every
 * error is JSON {@code {"error": "..."}} with a 4xx/5xx status, and no response names a path of this machine.
 *
 * <p>Slow or stalled clients: the JDK server reads a request's headers and body on the connection's thread,
 * so the connection pool has a thread for every admitted connection ({@link #MAX_CONNECTIONS}, more are
 * refused at accept), and a request must arrive whole within {@link #MAX_REQUEST_SECONDS} (headers and body,
 * enforced by the JDK server, which then closes the connection) while an upload must also keep a minimum
 * rate. A too-large {@code Content-Length} is answered 413 from the header alone, without reading the body.
 * On a loopback address only requests whose {@code Host} names a loopback host are served (DNS rebinding).
 */
public final class GroundingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroundingServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AUDIO = Pattern.compile("/api/tracks/([^/]+)/audio");
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");
    private static final int PREVIEW_RATE = 22050;
    private static final double MAX_PREVIEW_SECONDS = 300;
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/app.css", new String[] {"web/app.css", "text/css; charset=utf-8"});

    /** Connections admitted at once (process-wide, {@code jdk.httpserver.maxConnections}). */
    public static final int MAX_CONNECTIONS = Integer.getInteger("jdk.httpserver.maxConnections", 64);
    /** Seconds a request may take to arrive, headers and body ({@code sun.net.httpserver.maxReqTime}). */
    public static final long MAX_REQUEST_SECONDS = Long.getLong("sun.net.httpserver.maxReqTime", 300);
    /** Least mean upload rate (bytes/s) once an upload has run 30 s. */
    static final long MIN_UPLOAD_RATE = 16 * 1024;

    static {
        // read once by the JDK server when its first instance is made
        System.setProperty("jdk.httpserver.maxConnections", String.valueOf(MAX_CONNECTIONS));
        System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", "600");
        }
    }

    /** Server limits. */
    public record Config(String host, int port, long maxUploadBytes, Duration requestTimeout, int workers,
            int queue, int keepUploads) {
        public static Config defaults(int port) {
            return new Config("127.0.0.1", port, 200L << 20, Duration.ofSeconds(120), 2, 8, 32);
        }

        /** Refuses values no server can run with, naming the option. */
        public void validate() {
            if (port() < 0 || port() > 65535) {
                throw new MgsvException("--port " + port() + ": a TCP port is 0 to 65535 (0 = any free port)");
            }
            if (workers() < 1 || queue() < 0) {
                throw new MgsvException("--workers must be at least 1 and --queue at least 0 (got " + workers()
                        + " and " + queue() + ")");
            }
            if (requestTimeout().isNegative() || requestTimeout().isZero() || maxUploadBytes() < 1) {
                throw new MgsvException("--timeout and --max-upload-mb must be at least 1");
            }
        }
    }

    private final GroundingService service;
    private final Config config;
    private final Path workDir;
    private final HttpServer http;
    private final ExecutorService io;
    private final ThreadPoolExecutor workers;
    private final LinkedHashMap<String, Path> uploads = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Decoded preview audio of recently played tracks (whole track, mono, PREVIEW_RATE): a page asks for
     *  every result's waveform and then plays some of them. */
    private final LinkedHashMap<String, float[]> previewCache = new LinkedHashMap<>(16, 0.75f, true);
    private static final long PREVIEW_CACHE_SAMPLES = 16L * 60 * PREVIEW_RATE;
    /** Tracks up to this long are decoded whole once and cached for previews; longer ones window by window. */
    static final double MAX_CACHED_TRACK_SECONDS = 8 * 60;

    /** Upload-level error with an HTTP status. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public GroundingServer(GroundingService service, Config config) throws IOException {
        config.validate();
        this.service = service;
        this.config = config;
        try {
            this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        } catch (java.net.BindException e) {
            throw new MgsvException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage()
                    + " (another server on that port? choose another with --port)");
        }
        // created only once the port is ours: a failed start leaves no temporary folder behind
        try {
            this.workDir = Files.createTempDirectory("mgsv-serve-");
        } catch (IOException e) {
            http.stop(0);
            throw e;
        }
        // one thread per admitted connection: a stalled client holds only its own
        this.io = Executors.newFixedThreadPool(MAX_CONNECTIONS + 4, daemon("http"));
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queue()), daemon("ground"));
        http.setExecutor(io);
        http.createContext("/", this::handle);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return org.mgsv.core.util.Threads.daemonFactory("mgsv-" + name);
    }

    public GroundingServer start() {
        http.start();
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public String url() {
        String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
        return "http://" + host + ":" + port() + "/";
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        http.stop(0);
        io.shutdownNow();
        workers.shutdownNow();
        try {
            AtomicFiles.deleteRecursively(workDir);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", workDir, e.getMessage());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            try {
                checkHost(ex);
                route(ex, method, path);
            } catch (HttpError e) {
                if (e.status == 413 || e.status == 408) {
                    // do not read a body we refuse (10 GB announced, or trickling): answer and close
                    ex.getResponseHeaders().set("Connection", "close");
                } else {
                    drain(ex);
                }
                error(ex, e.status, e.getMessage());
            } catch (MgsvException | IllegalArgumentException e) {
                drain(ex);
                error(ex, 400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed", method, path, e);
                drain(ex);
                error(ex, 500, "internal error: " + e.getClass().getSimpleName());
            }
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.getMessage());
        }
    }

    /**
     * On a loopback address, a page of another site that a browser reaches through DNS rebinding sends its own
     * host name: only loopback host names are served.
     */
    private void checkHost(HttpExchange ex) {
        if (!ex.getLocalAddress().getAddress().isLoopbackAddress()) {
            return;
        }
        String h = ex.getRequestHeaders().getFirst("Host");
        if (h == null) {
            throw new HttpError(400, "missing Host header");
        }
        String name = h.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int e = name.indexOf(']');
            name = e < 0 ? name : name.substring(0, e + 1);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        if (!(name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]") || name.endsWith(".localhost")
                || name.equals(config.host()))) {
            throw new HttpError(421, "this server answers only to localhost, not to host '" + h.trim() + "'");
        }
    }

    private void route(HttpExchange ex, String method, String path) throws IOException {
        String[] st = STATIC.get(path);
        if (st != null) {
            requireMethod(method, "GET");
            serveResource(ex, st[0], st[1]);
            return;
        }
        switch (path) {
            case "/api/health" -> {
                requireMethod(method, "GET");
                json(ex, 200, Map.of("status", "ok", "tracks", service.store().size(), "model", service.model().name(),
                        "shortlist", service.searcher().index().name()));
            }
            case "/api/tracks" -> {
                requireMethod(method, "GET");
                List<Map<String, Object>> out = new ArrayList<>();
                for (String id : service.store().ids()) {
                    service.store().info(id).ifPresent(i -> out.add(publicInfo(i)));
                }
                json(ex, 200, Map.of("tracks", out));
            }
            case "/api/ground" -> {
                requireMethod(method, "POST");
                ground(ex);
            }
            case "/api/render" -> {
                requireMethod(method, "POST");
                render(ex);
            }
            default -> {
                Matcher m = AUDIO.matcher(path);
                if (m.matches()) {
                    requireMethod(method, "GET");
                    audio(ex, m.group(1));
                } else {
                    throw new HttpError(404, "not found: " + path);
                }
            }
        }
    }

    private static Map<String, Object> publicInfo(TrackInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("title", i.title());
        m.put("artist", i.artist());
        m.put("licence", i.licence());
        m.put("duration", i.durationSeconds());
        return m;
    }

    private static void requireMethod(String method, String want) {
        if (!want.equals(method)) {
            throw new HttpError(405, "method " + method + " not allowed here (use " + want + ")");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static double number(Map<String, String> q, String key, double dflt) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new HttpError(400, "parameter '" + key + "' must be a number, got '" + v + "'");
        }
    }

    // ---------------------------------------------------------------- ground

    private void ground(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        int top = (int) number(q, "top", 5);
        if (top < 1 || top > 50) {
            throw new HttpError(400, "parameter 'top' must be 1..50");
        }
        String snap = q.getOrDefault("snap", "none");
        if (!snap.equals("none") && !snap.equals("beats")) {
            throw new HttpError(400, "parameter 'snap' must be 'none' or 'beats'");
        }
        Path file = receiveUpload(ex);
        String token = file.getFileName().toString().substring(0, 32);
        GroundingService.Report report;
        try {
            report = runBounded(() -> service.ground(file,
                    new Searcher.Options(top, Math.max(Searcher.DEFAULT_SHORTLIST, top), snap.equals("beats"))));
        } catch (HttpError e) {
            Files.deleteIfExists(file);
            throw e;
        }
        synchronized (uploads) {
            uploads.put(token, file);
            while (uploads.size() > config.keepUploads()) {
                Map.Entry<String, Path> old = uploads.entrySet().iterator().next();
                uploads.remove(old.getKey());
                Files.deleteIfExists(old.getValue());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("upload", token);
        out.put("videoDuration", report.videoDuration());
        out.put("model", report.model());
        out.put("catalogSize", report.catalogSize());
        out.put("shortlist", report.shortlist());
        out.put("seconds", report.seconds());
        out.put("results", report.results());
        json(ex, 200, out);
    }

    /** Streams the body to a private file, enforcing the size limit and the container sniff. */
    private Path receiveUpload(HttpExchange ex) throws IOException {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.trim()) > config.maxUploadBytes()) {
                    throw new HttpError(413, "upload too large: " + len.trim() + " bytes, the limit is "
                            + config.maxUploadBytes());
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad Content-Length");
            }
        }
        Path dir = Files.createDirectories(workDir.resolve("uploads"));
        String token = UUID.randomUUID().toString().replace("-", "");
        Path file = dir.resolve(token + ".video");
        boolean ok = false;
        try (InputStream in = ex.getRequestBody(); OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            byte[] head = new byte[MediaSniffer.HEAD];
            int headN = 0;
            int n;
            long t0 = System.nanoTime();
            while ((n = in.read(buf)) > 0) {
                double secs = (System.nanoTime() - t0) / 1e9;
                if (secs > 30 && total < MIN_UPLOAD_RATE * secs) {
                    throw new HttpError(408, "upload too slow: " + total + " bytes in " + (long) secs + " s");
                }
                if (headN < head.length) {
                    int c = Math.min(n, head.length - headN);
                    System.arraycopy(buf, 0, head, headN, c);
                    headN += c;
                }
                total += n;
                if (total > config.maxUploadBytes()) {
                    throw new HttpError(413, "upload too large: more than " + config.maxUploadBytes() + " bytes");
                }
                out.write(buf, 0, n);
            }
            if (total == 0) {
                throw new HttpError(400, "empty upload: send the video file as the request body");
            }
            if (MediaSniffer.videoContainer(head, headN) == null) {
                throw new HttpError(415, "not a video: the upload is no known video container "
                        + "(mp4/mov, webm/mkv, avi, ogg, mpeg-ts, flv)");
            }
            ok = true;
            return file;
        } finally {
            if (!ok) {
                Files.deleteIfExists(file);
            }
        }
    }

    private <T> T runBounded(Callable<T> task) {
        Future<T> f;
        try {
            f = workers.submit(task);
        } catch (RejectedExecutionException e) {
            throw new HttpError(503, "server busy: too many requests in progress, try again shortly");
        }
        try {
            return f.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpError(504, "request took longer than " + config.requestTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new HttpError(503, "interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpError h) {
                throw h;
            }
            if (c instanceof MgsvException || c instanceof UncheckedIOException) {
                // decoding failures of an accepted container: truncated or corrupt media
                throw new HttpError(422, "cannot process the video: " + clean(c.getMessage()));
            }
            LOG.warn("request failed", c);
            throw new HttpError(500, "internal error: " + c.getClass().getSimpleName());
        }
    }

    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.~/])/(?:[^\\s/'\"]+/)+([^\\s/'\"]*)");

    /** Error messages must not reveal server paths: every absolute path is cut to its file name. */
    static String clean(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        String s = ABSOLUTE_PATH.matcher(msg).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        return s.replaceAll("[0-9a-f]{32}\\.video", "upload");
    }

    // ---------------------------------------------------------------- audio preview

    private void audio(HttpExchange ex, String id) throws IOException {
        if (!TrackRecord.isValidId(id)) {
            throw new HttpError(400, "invalid track id");
        }
        TrackInfo info = service.store().info(id).orElseThrow(() -> new HttpError(404, "unknown track '" + id + "'"));
        Map<String, String> q = query(ex);
        double start = number(q, "start", 0);
        double end = number(q, "end", Math.min(info.durationSeconds(), start + 30));
        if (start < 0 || end <= start || start >= info.durationSeconds() + 1e-6) {
            throw new HttpError(400, String.format(Locale.ROOT,
                    "need 0 <= start < end within the track (0 to %.3f s)", info.durationSeconds()));
        }
        if (end - start > MAX_PREVIEW_SECONDS) {
            throw new HttpError(400, "at most " + (int) MAX_PREVIEW_SECONDS + " s per request");
        }
        Path src = GroundingService.sourceOf(info);
        if (src == null) {
            throw new HttpError(404, "audio of track '" + id + "' is not available on this server");
        }
        byte[] wav = runBounded(() -> {
            if (info.durationSeconds() > MAX_CACHED_TRACK_SECONDS) {
                // a long track: decode the window alone (memory and time follow the window, not the track)
                return Wav.encode(service.media().audio(src, PREVIEW_RATE, start, end), PREVIEW_RATE);
            }
            float[] all = previewAudio(id, src, info.durationSeconds());
            int from = (int) Math.min(all.length, Math.floor(start * PREVIEW_RATE));
            int to = (int) Math.min(all.length, Math.max(from, Math.ceil(end * PREVIEW_RATE)));
            return Wav.encode(java.util.Arrays.copyOfRange(all, from, to), PREVIEW_RATE);
        });
        ex.getResponseHeaders().set("Content-Type", "audio/wav");
        ex.getResponseHeaders().set("Cache-Control", "max-age=3600");
        ex.sendResponseHeaders(200, wav.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(wav);
        }
    }

    private float[] previewAudio(String id, Path src, double duration) {
        synchronized (previewCache) {
            float[] hit = previewCache.get(id);
            if (hit != null) {
                return hit;
            }
        }
        float[] all = service.media().audio(src, PREVIEW_RATE, 0, duration + 1);
        synchronized (previewCache) {
            previewCache.put(id, all);
            long total = 0;
            for (float[] a : previewCache.values()) {
                total += a.length;
            }
            var it = previewCache.entrySet().iterator();
            while (total > PREVIEW_CACHE_SAMPLES && previewCache.size() > 1 && it.hasNext()) {
                total -= it.next().getValue().length;
                it.remove();
            }
        }
        return all;
    }

    // ---------------------------------------------------------------- render

    private void render(HttpExchange ex) throws IOException {
        JsonNode body;
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(64 * 1024);
            body = JSON.readTree(b);
        } catch (IOException e) {
            throw new HttpError(400, "body must be JSON {upload, track, start, end, originalAudio}");
        }
        if (body == null || !body.isObject()) {
            throw new HttpError(400, "body must be JSON {upload, track, start, end, originalAudio}");
        }
        String token = body.path("upload").asText("");
        String track = body.path("track").asText("");
        if (!TOKEN.matcher(token).matches()) {
            throw new HttpError(400, "field 'upload' must be the token returned by /api/ground");
        }
        Path video;
        synchronized (uploads) {
            video = uploads.get(token);
        }
        if (video == null || !Files.isRegularFile(video)) {
            throw new HttpError(404, "upload '" + token + "' is unknown or expired: ground the video again");
        }
        if (!TrackRecord.isValidId(track) || !service.store().contains(track)) {
            throw new HttpError(404, "unknown track '" + track + "'");
        }
        if (!body.path("start").isNumber() || !body.path("end").isNumber()) {
            throw new HttpError(400, "fields 'start' and 'end' must be numbers (seconds)");
        }
        double start = body.path("start").asDouble();
        double end = body.path("end").asDouble();
        double trackSeconds = service.store().info(track).orElseThrow().durationSeconds();
        if (start < 0 || !(end > start) || end > trackSeconds + 1e-3) {
            throw new HttpError(400, String.format(Locale.ROOT,
                    "moment [%.3f, %.3f] is not inside track '%s' (0 to %.3f s)", start, end, track, trackSeconds));
        }
        String oa = body.path("originalAudio").asText("drop").toLowerCase(Locale.ROOT);
        MomentRenderer.OriginalAudio original = switch (oa) {
            case "drop" -> MomentRenderer.OriginalAudio.DROP;
            case "duck" -> MomentRenderer.OriginalAudio.DUCK;
            default -> throw new HttpError(400, "field 'originalAudio' must be 'drop' or 'duck'");
        };
        Path out = Files.createDirectories(workDir.resolve("renders")).resolve(UUID.randomUUID() + ".mp4");
        try {
            runBounded(() -> {
                service.render(video, track, start, end, original, out);
                return null;
            });
            ex.getResponseHeaders().set("Content-Type", "video/mp4");
            ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"mgsv-" + track + ".mp4\"");
            ex.sendResponseHeaders(200, Files.size(out));
            try (OutputStream os = ex.getResponseBody()) {
                Files.copy(out, os);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void serveResource(HttpExchange ex, String resource, String type) throws IOException {
        byte[] b;
        try (InputStream in = GroundingServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new HttpError(404, "not found");
            }
            b = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message == null ? "error" : clean(message)));
    }

    /** Reads what is left of a request body (bounded), so the client sees our answer rather than a reset. */
    private void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[1 << 16];
            long left = config.maxUploadBytes() + (64L << 20);
            int n;
            while (left > 0 && (n = in.read(buf)) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client closed first
        }
    }
}
