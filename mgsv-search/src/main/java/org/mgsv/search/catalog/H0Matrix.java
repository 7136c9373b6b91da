package org.mgsv.search.catalog;

import java.util.List;

/**
 * The pooled embeddings of a catalog, one row per track: row i belongs to {@code ids.get(i)}. Rows are read
 * through {@link #row(int, float[])} so backends can keep them memory-mapped.
 */
public interface H0Matrix {
    List<String> ids();

    int dim();

    default int rows() {
        return ids().size();
    }

    /** Copies row i into {@code out} (length dim) and returns it. */
    float[] row(int i, float[] out);

    /** A matrix held in one float array. */
    static H0Matrix of(List<String> ids, float[] data, int dim) {
        if (data.length != (long) ids.size() * dim) {
            throw new IllegalArgumentException("h0 data has " + data.length + " floats, expected " + ids.size() + "x" + dim);
        }
        List<String> copy = List.copyOf(ids);
        return new H0Matrix() {
            @Override
            public List<String> ids() {
                return copy;
            }

            @Override
            public int dim() {
                return dim;
            }

            @Override
            public float[] row(int i, float[] out) {
                System.arraycopy(data, i * dim, out, 0, dim);
                return out;
            }
        };
    }
}
