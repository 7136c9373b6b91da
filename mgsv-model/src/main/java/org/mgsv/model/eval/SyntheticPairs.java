package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.NativeMemory;

/**
 * Deterministic synthetic pairs of the reference shapes, generated on demand (nothing is stored, so memory is
 * independent of N): features uniform with unit variance, prefix masks with 5..F valid frames and 12..S valid
 * segments (fewer for tiny configurations), one distinct music per row (as in the MGSV-EC test split).
 */
public final class SyntheticPairs implements PairSource {
    private final int n;
    private final long seed;
    private final MadeConfig c;

    public SyntheticPairs(int n, long seed, MadeConfig config) {
        this.n = n;
        this.seed = seed;
        this.c = config;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public String musicId(int row) {
        return "m" + row;
    }

    @Override
    public NDArray[] videos(NDManager m, int[] rows) {
        return make(m, rows, c.frameSlots(), c.frameFeatDim(), minValid(c.frameSlots(), 5), 1);
    }

    @Override
    public NDArray[] musics(NDManager m, int[] rows) {
        return make(m, rows, c.segmentSlots(), c.segmentFeatDim(), minValid(c.segmentSlots(), 12), 2);
    }

    private static int minValid(int slots, int want) {
        return Math.max(1, Math.min(want, slots / 4));
    }

    private int valid(int row, int slots, int minValid, int kind) {
        return minValid + new SplittableRandom(seed * 1_000_003L + row * 4L + kind).nextInt(slots - minValid + 1);
    }

    @Override
    public int videoLengthHint(int row) {
        return valid(row, c.frameSlots(), minValid(c.frameSlots(), 5), 1);
    }

    @Override
    public int musicLengthHint(int row) {
        return valid(row, c.segmentSlots(), minValid(c.segmentSlots(), 12), 2);
    }

    private NDArray[] make(NDManager m, int[] rows, int slots, int dim, int minValid, int kind) {
        float[] f = NativeMemory.hostBuffer(2 * kind, rows.length * slots * dim);
        float[] mask = NativeMemory.hostBuffer(2 * kind + 1, rows.length * slots);
        final float scale = (float) (Math.sqrt(3.0) / (1L << 31));
        for (int i = 0; i < rows.length; i++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + rows[i] * 4L + kind);
            int valid = minValid + r.nextInt(slots - minValid + 1);
            for (int j = 0; j < valid; j++) {
                mask[i * slots + j] = 1f;
            }
            int base = i * slots * dim;
            for (int k = 0; k < valid * dim; k++) {
                f[base + k] = r.nextInt() * scale;
            }
        }
        return new NDArray[] {NativeMemory.owned(m, f, new Shape(rows.length, slots, dim)),
            NativeMemory.owned(m, mask, new Shape(rows.length, slots))};
    }
}
