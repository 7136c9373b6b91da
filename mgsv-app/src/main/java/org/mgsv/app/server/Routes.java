package org.mgsv.app.server;

import static org.mgsv.app.server.Exchanges.json;
import static org.mgsv.app.server.Exchanges.number;
import static org.mgsv.app.server.Exchanges.query;
import static org.mgsv.app.server.Exchanges.requireMethod;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MomentRenderer;
import org.mgsv.search.Searcher;
import org.mgsv.search.catalog.TrackInfo;
import org.mgsv.search.catalog.TrackRecord;

/**
 * What each path of {@link GroundingServer} answers (its class comment lists them): the web page's static files,
 * health and the catalog listing, and grounding, audio previews and renders, whose work runs on the
 * {@link WorkQueue}. Requests are checked here (method, parameters, track ids against the catalog, upload tokens
 * against the {@link UploadStore}); a refusal is an {@link HttpError}.
 */
final class Routes {
    private static final Pattern AUDIO = Pattern.compile("/api/tracks/([^/]+)/audio");
    private static final double MAX_PREVIEW_SECONDS = 300;
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/app.css", new String[] {"web/app.css", "text/css; charset=utf-8"});

    private final GroundingService service;
    private final Path workDir;
    private final UploadStore uploads;
    private final PreviewCache previews;
    private final WorkQueue work;

    Routes(GroundingService service, Path workDir, UploadStore uploads, PreviewCache previews, WorkQueue work) {
        this.service = service;
        this.workDir = workDir;
        this.uploads = uploads;
        this.previews = previews;
        this.work = work;
    }

    void route(HttpExchange ex, String method, String path) throws IOException {
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
        Path file = uploads.receive(ex);
        String token = UploadStore.tokenOf(file);
        GroundingService.Report report;
        try {
            report = work.run(() -> service.ground(file,
                    new Searcher.Options(top, Math.max(Searcher.DEFAULT_SHORTLIST, top), snap.equals("beats"))));
        } catch (HttpError e) {
            Files.deleteIfExists(file);
            throw e;
        }
        uploads.keep(token, file);
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
        byte[] wav = work.run(() -> Wav.encode(previews.window(id, src, info.durationSeconds(), start, end),
                PreviewCache.RATE));
        ex.getResponseHeaders().set("Content-Type", "audio/wav");
        ex.getResponseHeaders().set("Cache-Control", "max-age=3600");
        ex.sendResponseHeaders(200, wav.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(wav);
        }
    }

    // ---------------------------------------------------------------- render

    private void render(HttpExchange ex) throws IOException {
        JsonNode body;
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(64 * 1024);
            body = Exchanges.JSON.readTree(b);
        } catch (IOException e) {
            throw new HttpError(400, "body must be JSON {upload, track, start, end, originalAudio}");
        }
        if (body == null || !body.isObject()) {
            throw new HttpError(400, "body must be JSON {upload, track, start, end, originalAudio}");
        }
        String token = body.path("upload").asText("");
        String track = body.path("track").asText("");
        if (!UploadStore.isToken(token)) {
            throw new HttpError(400, "field 'upload' must be the token returned by /api/ground");
        }
        Path video = uploads.get(token);
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
            work.run(() -> {
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
}
