package org.mgsv.app.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.search.GroundingService;
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
 * rate. A too-large {@code Content-Length} is refused 413 from the header alone, nothing of the body is stored;
 * before the answer at most {@link #LINGER_BYTES} of the body are read and dropped, so that closing does not
 * reset the connection before the client has the answer.
 * On a loopback address only requests whose {@code Host} names a loopback host are served (DNS rebinding).
 *
 * <p>This class owns the listener, the connection threads and the work directory, checks the {@code Host} and
 * turns every refusal or failure into its JSON error; {@link Routes} answers each path, {@link UploadStore} holds
 * the uploads, {@link PreviewCache} the decoded preview audio and {@link WorkQueue} runs the heavy work.
 */
public final class GroundingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroundingServer.class);

    /** Connections admitted at once (process-wide, {@code jdk.httpserver.maxConnections}). */
    public static final int MAX_CONNECTIONS = Integer.getInteger("jdk.httpserver.maxConnections", 64);
    /** Seconds a request may take to arrive, headers and body ({@code sun.net.httpserver.maxReqTime}). */
    public static final long MAX_REQUEST_SECONDS = Long.getLong("sun.net.httpserver.maxReqTime", 300);

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

    private final Config config;
    private final Path workDir;
    private final HttpServer http;
    private final ExecutorService io;
    private final WorkQueue work;
    private final Routes routes;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public GroundingServer(GroundingService service, Config config) throws IOException {
        config.validate();
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
        this.work = new WorkQueue(config.workers(), config.queue(), config.requestTimeout());
        UploadStore uploads = new UploadStore(workDir, config.maxUploadBytes(), config.keepUploads());
        this.routes = new Routes(service, workDir, uploads, new PreviewCache(service.media()), work);
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
        work.close();
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
                routes.route(ex, method, path);
            } catch (HttpError e) {
                if (e.status == 413 || e.status == 408) {
                    // do not read a body we refuse (10 GB announced, or trickling): answer first, then close
                    ex.getResponseHeaders().set("Connection", "close");
                    if (e.status == 413) {
                        // a close with unread request bytes resets the connection, and a reset can discard the
                        // answer at the client before it is read. The JDK server closes the request stream as
                        // soon as the answer is written, so a bounded part of the body is read and dropped
                        // first: a body up to LINGER_BYTES over the limit gets a clean answer.
                        if (bodyArrivesSoon(ex)) {
                            drain(ex, LINGER_BYTES);
                        }
                    }
                    error(ex, e.status, e.getMessage());
                } else {
                    drain(ex);
                    error(ex, e.status, e.getMessage());
                }
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

    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.~/])/(?:[^\\s/'\"]+/)+([^\\s/'\"]*)");

    /** Error messages must not reveal server paths: every absolute path is cut to its file name. */
    static String clean(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        String s = ABSOLUTE_PATH.matcher(msg).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        return s.replaceAll("[0-9a-f]{32}\\.video", "upload");
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        Exchanges.json(ex, status, Map.of("error", message == null ? "error" : clean(message)));
    }

    /**
     * Whether the announced body is at most {@link #LINGER_BYTES} over the limit, so reading it before the 413
     * ends soon. A client that announces far more (10 GB, or no length) is answered at once: waiting for its
     * body would hold the answer until it sent megabytes it may never send.
     */
    private boolean bodyArrivesSoon(HttpExchange ex) {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            return len != null && Long.parseLong(len.trim()) <= config.maxUploadBytes() + LINGER_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Request-body bytes read and dropped after a 413 before the connection is closed. */
    static final long LINGER_BYTES = 8L << 20;

    /** Reads what is left of a request body (bounded), so the client sees our answer rather than a reset. */
    private void drain(HttpExchange ex) {
        drain(ex, config.maxUploadBytes() + (64L << 20));
    }

    /** {@link #drain(HttpExchange)} reading at most {@code limit} bytes. */
    private static void drain(HttpExchange ex, long limit) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[1 << 16];
            long left = limit;
            int n;
            while (left > 0 && (n = in.read(buf)) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client closed first
        }
    }
}
