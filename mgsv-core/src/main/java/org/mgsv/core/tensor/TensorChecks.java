package org.mgsv.core.tensor;

import java.nio.file.Path;
import java.util.Arrays;
import org.mgsv.core.MgsvException;

/** Validation of loaded tensors with errors that name the file and the offending element. */
public final class TensorChecks {
    private TensorChecks() {}

    /** Throws unless {@code t} has exactly {@code expected} shape. */
    public static void requireShape(Tensor t, Path file, int... expected) {
        if (!t.hasShape(expected)) {
            throw new MgsvException("wrong tensor shape in " + file + ": " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected));
        }
    }

    /** Throws if {@code t} holds a NaN or infinite value, naming the first one's index. */
    public static void requireFinite(Tensor t, Path file) {
        int i = t.firstNonFinite();
        if (i >= 0) {
            throw new MgsvException("non-finite value " + t.getFlat(i) + " at index "
                    + Arrays.toString(t.unflatten(i)) + " in " + file);
        }
    }
}
