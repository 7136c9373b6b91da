package org.mgsv.media.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link FrameEncoderTestCase} and {@link SegmentEncoderTestCase} share: a fresh encoder for each test,
 * closed after it; the checks of its name and size and that it encodes the same input to the same rows; and the
 * row comparison within {@link #tolerance()}. An implementation's test extends one of those two suites, not this
 * class (its constructor is package-private).
 *
 * @param <E> the encoder interface
 * @param <I> what one {@code encode} call takes
 */
public abstract class EncoderTestCase<E extends AutoCloseable, I> {
    protected E encoder;

    private final int modelDim;
    private final ToIntFunction<E> dim;
    private final Function<E, String> name;
    private final BiFunction<E, I, float[][]> encode;

    /**
     * @param modelDim the embedding size the MaDe model expects
     * @param dim      the encoder's {@code dim()}
     * @param name     the encoder's {@code name()}
     * @param encode   the encoder's {@code encode}
     */
    EncoderTestCase(int modelDim, ToIntFunction<E> dim, Function<E, String> name,
                    BiFunction<E, I, float[][]> encode) {
        this.modelDim = modelDim;
        this.dim = dim;
        this.name = name;
        this.encode = encode;
    }

    /** A new encoder instance (closed after each test). */
    protected abstract E createEncoder() throws Exception;

    /** The embedding size the model expects (512 for MaDe's frames, 768 for its music windows). */
    protected int expectedDim() {
        return modelDim;
    }

    /** Allowed difference between two encodings of the same input (batching may reorder float sums). */
    protected double tolerance() {
        return 1e-5;
    }

    /** The input of the determinism check. */
    abstract I deterministicInput();

    @BeforeEach
    void open() throws Exception {
        encoder = createEncoder();
    }

    @AfterEach
    void closeEncoder() throws Exception {
        if (encoder != null) {
            encoder.close();
        }
    }

    void assertRowsClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], tolerance() * Math.max(1, Math.abs(want[j])), what + " [" + j + "]");
        }
    }

    @Test
    void nameAndDim() {
        assertEquals(expectedDim(), dim.applyAsInt(encoder));
        assertNotNull(name.apply(encoder));
        assertFalse(name.apply(encoder).isBlank());
    }

    @Test
    void deterministicAcrossCallsAndInstances() throws Exception {
        I in = deterministicInput();
        float[][] a = encode.apply(encoder, in);
        float[][] b = encode.apply(encoder, in);
        try (E other = createEncoder()) {
            float[][] c = encode.apply(other, in);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], "second call, row " + i);
                assertRowsClose(a[i], c[i], "new instance, row " + i);
            }
        }
    }
}
