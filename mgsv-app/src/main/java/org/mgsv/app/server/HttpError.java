package org.mgsv.app.server;

/** A request that is answered with an HTTP status and a message (the server's JSON {@code {"error": ...}}). */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }
}
