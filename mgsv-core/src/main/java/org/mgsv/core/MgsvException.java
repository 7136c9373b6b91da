package org.mgsv.core;

/**
 * A user-facing error: bad input data, a missing file, an inconsistent configuration. The message is meant
 * to be printed as is (no stack trace) and must name the file and, where it applies, the line/field at fault.
 * The CLI maps it to exit code 1.
 */
public class MgsvException extends RuntimeException {
    public MgsvException(String message) {
        super(message);
    }

    public MgsvException(String message, Throwable cause) {
        super(message, cause);
    }
}
