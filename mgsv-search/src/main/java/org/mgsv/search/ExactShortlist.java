package org.mgsv.search;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.mgsv.core.util.Threads;
import org.mgsv.core.util.TopKHeap;
import org.mgsv.search.catalog.H0Matrix;

/**
 * Exhaustive shortlist: scans every row with SIMD (jdk.incubator.vector). Two precisions:
 * <ul>
 *   <li>{@link Precision#FLOAT32}: rows kept as floats (4·d bytes per track); exact cosines.</li>
 *   <li>{@link Precision#INT8}: rows quantised to bytes with one scale per row (d + 4 bytes per track, 4× less
 *       memory and bandwidth); the scan keeps {@code oversample·k} candidates, which are then re-ranked with the
 *       exact float rows read from the matrix, so returned scores are exact cosines.</li>
 * </ul>
 * The scan is split over {@code threads} workers.
 */
public final class ExactShortlist implements ShortlistIndex, AutoCloseable {
    public enum Precision { FLOAT32, INT8 }

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(FS.length() * 8));
    /** Rows per scan block handed to a worker. */
    private static final int MIN_ROWS_PER_TASK = 4096;

    private final H0Matrix matrix;
    private final int dim;
    private final int n;
    private final Precision precision;
    private final float[] f32;
    private final byte[] i8;
    private final float[] scale;
    private final int oversample;
    private final int threads;
    private final ExecutorService pool;

    private ExactShortlist(H0Matrix matrix, Precision precision, int threads, int oversample) {
        this.matrix = matrix;
        this.dim = matrix.dim();
        this.n = matrix.rows();
        this.precision = precision;
        this.oversample = Math.max(1, oversample);
        this.threads = Math.max(1, threads);
        float[] row = new float[dim];
        if (precision == Precision.FLOAT32) {
            f32 = new float[n * dim];
            for (int i = 0; i < n; i++) {
                matrix.row(i, row);
                System.arraycopy(row, 0, f32, i * dim, dim);
            }
            i8 = null;
            scale = null;
        } else {
            f32 = null;
            i8 = new byte[(int) Math.min(Integer.MAX_VALUE - 8, (long) n * dim)];
            if ((long) n * dim > i8.length) {
                throw new IllegalArgumentException("too many rows for one int8 shortlist: " + n);
            }
            scale = new float[n];
            for (int i = 0; i < n; i++) {
                matrix.row(i, row);
                float max = 0;
                for (float v : row) {
                    max = Math.max(max, Math.abs(v));
                }
                float s = max == 0 ? 1f : max / 127f;
                scale[i] = s;
                for (int j = 0; j < dim; j++) {
                    i8[i * dim + j] = (byte) Math.round(row[j] / s);
                }
            }
        }
        this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, Threads.daemonFactory("shortlist-scan"))
                : null;
    }

    public static ExactShortlist build(H0Matrix matrix, Precision precision, int threads) {
        return new ExactShortlist(matrix, precision, threads, 4);
    }

    public static ExactShortlist build(H0Matrix matrix, Precision precision, int threads, int oversample) {
        return new ExactShortlist(matrix, precision, threads, oversample);
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public String name() {
        return "exact-" + (precision == Precision.FLOAT32 ? "f32" : "int8") + "-t" + threads;
    }

    @Override
    public long memoryBytes() {
        return precision == Precision.FLOAT32 ? 4L * n * dim : (long) n * dim + 4L * n;
    }

    @Override
    public Hits search(float[] query, int k) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " dims, index has " + dim);
        }
        k = Math.min(k, n);
        int keep = precision == Precision.INT8 ? Math.min(n, k * oversample + 16) : k;
        TopKHeap top = scanAll(query, keep);
        if (precision == Precision.FLOAT32) {
            return Hits.of(top);
        }
        Hits cand = Hits.of(top);
        TopKHeap exact = new TopKHeap(k);
        float[] row = new float[dim];
        for (int r : cand.rows()) {
            matrix.row(r, row);
            exact.offer(VecMath.dot(query, row), r);
        }
        return Hits.of(exact);
    }

    private TopKHeap scanAll(float[] q, int keep) {
        int tasks = pool == null ? 1 : Math.min(threads, Math.max(1, n / MIN_ROWS_PER_TASK));
        if (tasks <= 1) {
            return scan(q, 0, n, keep);
        }
        List<Future<TopKHeap>> fs = new ArrayList<>();
        int per = (n + tasks - 1) / tasks;
        for (int t = 0; t < tasks; t++) {
            int from = t * per;
            int to = Math.min(n, from + per);
            fs.add(pool.submit(() -> scan(q, from, to, keep)));
        }
        TopKHeap all = new TopKHeap(keep);
        try {
            for (Future<TopKHeap> f : fs) {
                all.addAll(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return all;
    }

    private TopKHeap scan(float[] q, int from, int to, int keep) {
        TopKHeap top = new TopKHeap(keep);
        if (precision == Precision.FLOAT32) {
            for (int i = from; i < to; i++) {
                float s = VecMath.dot(q, 0, f32, i * dim, dim);
                if (s > top.threshold()) {
                    top.offer(s, i);
                }
            }
        } else {
            for (int i = from; i < to; i++) {
                float s = dotB(q, i * dim) * scale[i];
                if (s > top.threshold()) {
                    top.offer(s, i);
                }
            }
        }
        return top;
    }

    private float dotB(float[] q, int off) {
        int d = q.length;
        int j = 0;
        FloatVector acc = FloatVector.zero(FS);
        for (int bound = FS.loopBound(d); j < bound; j += FS.length()) {
            FloatVector b = (FloatVector) ByteVector.fromArray(BS, i8, off + j).castShape(FS, 0);
            acc = FloatVector.fromArray(FS, q, j).fma(b, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < d; j++) {
            s += q[j] * i8[off + j];
        }
        return s;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
