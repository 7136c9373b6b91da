package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The valid slots of a padded batch and the two gathers between its padded layout [B, L, F] and the packed one
 * [T, F] (the T valid slots, row after row). A per-token block (a feed-forward layer) run on the packed rows does
 * the same arithmetic for every valid token and none for the padding: on MGSV-EC's lengths about a third of a
 * batch's slots. {@link #unpack} puts zeros in the padded slots.
 *
 * <p>That is an exact rewrite of the training step wherever the padded slots' values reach neither a valid slot nor
 * the loss: in MaDe they are keys masked out of every attention and are multiplied by the mask before the encoders'
 * outputs are pooled, so their gradient is exactly zero and leaving them out changes no valid value and no weight's
 * gradient beyond float rounding (the order in which libtorch sums the same terms).
 */
public final class PackedRows {
    private final long batch;
    private final long length;
    private final int count;
    private final boolean everyRowValid;
    /** [T, 1] int64: the flat slot (b·L + l) of each packed row. */
    private final NDArray valid;
    /** [B·L, 1] int64: each slot's packed row, T (a zero row) for padding. */
    private final NDArray inverse;

    private PackedRows(long batch, long length, int count, boolean everyRowValid, NDArray valid, NDArray inverse) {
        this.batch = batch;
        this.length = length;
        this.count = count;
        this.everyRowValid = everyRowValid;
        this.valid = valid;
        this.inverse = inverse;
    }

    /** The rows of a {0,1} mask [B, L] (any value above 0.5 counts as valid); the indices go with its manager. */
    public static PackedRows of(NDArray mask) {
        Shape s = mask.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("mask must be [B, L], got " + s);
        }
        long b = s.get(0);
        long len = s.get(1);
        if (b * len > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mask " + s + ": too many slots");
        }
        float[] m = mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        long[] inv = new long[m.length];
        long[] val = new long[m.length];
        int t = 0;
        boolean everyRow = true;
        for (int r = 0; r < b; r++) {
            int before = t;
            for (int i = (int) (r * len); i < (r + 1) * len; i++) {
                if (m[i] > 0.5f) {
                    val[t] = i;
                    inv[i] = t++;
                } else {
                    inv[i] = -1;
                }
            }
            everyRow &= t > before;
        }
        for (int i = 0; i < inv.length; i++) {
            if (inv[i] < 0) {
                inv[i] = t;
            }
        }
        NDManager mm = mask.getManager();
        NDArray valid = mm.create(java.util.Arrays.copyOf(val, t), new Shape(t, 1));
        NDArray inverse = mm.create(inv, new Shape(inv.length, 1));
        return new PackedRows(b, len, t, everyRow, valid, inverse);
    }

    /** T, the number of valid slots. */
    public int count() {
        return count;
    }

    /** Whether every row has at least one valid slot. */
    public boolean everyRowValid() {
        return everyRowValid;
    }

    /** Whether some slots are padding (else packing only adds two copies). */
    public boolean hasPadding() {
        return count < batch * length;
    }

    /** The valid slots of x [B, L, F] as [T, F]. */
    public NDArray pack(NDArray x) {
        long f = features(x);
        return x.reshape(batch * length, f).gather(valid.broadcast(new Shape(count, f)), 0);
    }

    /** Packed rows y [T, F] in the padded layout [B, L, F], zeros in the padded slots. */
    public NDArray unpack(NDArray y) {
        Shape s = y.getShape();
        if (s.dimension() != 2 || s.get(0) != count) {
            throw new IllegalArgumentException("packed rows must be [" + count + ", F], got " + s);
        }
        long f = s.get(1);
        try (NDArray zero = y.getManager().zeros(new Shape(1, f), y.getDataType())) {
            NDArray withZero = NDArrays.concat(new NDList(y, zero), 0);
            return withZero.gather(inverse.broadcast(new Shape(batch * length, f)), 0).reshape(batch, length, f);
        }
    }

    /**
     * Dropout on packed rows h [T, F] with the mask {@link Ops#dropout} would draw for the padded [B, L, F] (the same
     * draw, so the same random stream and, for the valid slots, the same values): packing does not change which
     * elements are dropped.
     */
    public NDArray dropout(NDArray h, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return h;
        }
        long f = h.getShape().getLastDimension();
        try (NDArray full = DropoutMasks.draw(h.getManager(), new Shape(batch, length, f), rate);
                NDArray mask = pack(full)) {
            return h.mul(mask);
        }
    }

    private long features(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(0) != batch || s.get(1) != length) {
            throw new IllegalArgumentException("expected [" + batch + ", " + length + ", F], got " + s);
        }
        return s.get(2);
    }
}
