package org.mgsv.core.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The project's one way of writing a report, a summary or a bench result as JSON: indented, paths as their
 * strings, a trailing newline, and (for files) atomically, so an interrupted run never leaves half a document.
 */
public final class Json {
    private static final ObjectWriter PRETTY = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer()))
            .writer();

    private Json() {}

    /** {@code value} as indented JSON (no trailing newline). */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code value} as indented JSON with a trailing newline to {@code target}, atomically. */
    public static void write(Path target, Object value) {
        AtomicFiles.writeString(target, pretty(value) + "\n");
    }
}
