package org.mgsv.app.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The uploaded videos the server holds, by token: each body is streamed to a private file under a random name
 * (size limit, minimum rate, container sniff), and the last {@code keep} grounded uploads are kept for renders,
 * the oldest deleted first. A token is only ever looked up, never turned into a path.
 */
final class UploadStore {
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");
    /** Least mean upload rate (bytes/s) once an upload has run 30 s. */
    static final long MIN_UPLOAD_RATE = 16 * 1024;

    private final Path workDir;
    private final long maxUploadBytes;
    private final int keep;
    private final LinkedHashMap<String, Path> uploads = new LinkedHashMap<>();

    UploadStore(Path workDir, long maxUploadBytes, int keep) {
        this.workDir = workDir;
        this.maxUploadBytes = maxUploadBytes;
        this.keep = keep;
    }

    /** Whether {@code token} has the form of a token this store hands out. */
    static boolean isToken(String token) {
        return TOKEN.matcher(token).matches();
    }

    /** The token of an upload's file. */
    static String tokenOf(Path file) {
        return file.getFileName().toString().substring(0, 32);
    }

    /** Streams the body to a private file, enforcing the size limit and the container sniff. */
    Path receive(HttpExchange ex) throws IOException {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.trim()) > maxUploadBytes) {
                    throw new HttpError(413, "upload too large: " + len.trim() + " bytes, the limit is "
                            + maxUploadBytes);
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad Content-Length");
            }
        }
        Path dir = Files.createDirectories(workDir.resolve("uploads"));
        String token = UUID.randomUUID().toString().replace("-", "");
        Path file = dir.resolve(token + ".video");
        boolean ok = false;
        // the request stream is left open on failure: the caller may still read and drop the rest of the body
        // (closing it here would make the JDK server reset the connection under a 413 answer)
        InputStream in = ex.getRequestBody();
        try (OutputStream out = Files.newOutputStream(file)) {
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
                if (total > maxUploadBytes) {
                    throw new HttpError(413, "upload too large: more than " + maxUploadBytes + " bytes");
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

    /** Keeps a received upload under its token, deleting the oldest beyond {@code keep}. */
    void keep(String token, Path file) throws IOException {
        synchronized (uploads) {
            uploads.put(token, file);
            while (uploads.size() > keep) {
                Map.Entry<String, Path> old = uploads.entrySet().iterator().next();
                uploads.remove(old.getKey());
                Files.deleteIfExists(old.getValue());
            }
        }
    }

    /** The file of a kept upload, or null. */
    Path get(String token) {
        synchronized (uploads) {
            return uploads.get(token);
        }
    }
}
