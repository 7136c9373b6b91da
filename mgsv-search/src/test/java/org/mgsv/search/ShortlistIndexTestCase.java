package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mgsv.core.util.TopKHeap;
import org.mgsv.search.catalog.H0Matrix;

/** Behaviour every {@link ShortlistIndex} must have, checked against a brute-force scan. */
public abstract class ShortlistIndexTestCase {
    protected static final int DIM = 64;

    protected abstract ShortlistIndex build(H0Matrix m);

    /** Minimum fraction of the true top-k an implementation must return (1 for exact ones). */
    protected abstract double minRecall();

    static H0Matrix randomMatrix(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[] data = new float[n * dim];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("t" + i);
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                float v = (float) r.nextGaussian();
                data[i * dim + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] /= (float) Math.sqrt(norm);
            }
        }
        return H0Matrix.of(ids, data, dim);
    }

    static float[] unit(Random r, int dim) {
        float[] q = new float[dim];
        for (int j = 0; j < dim; j++) {
            q[j] = (float) r.nextGaussian();
        }
        return VecMath.normalize(q);
    }

    static int[] bruteForce(H0Matrix m, float[] q, int k) {
        TopKHeap t = new TopKHeap(k);
        float[] row = new float[m.dim()];
        for (int i = 0; i < m.rows(); i++) {
            float s = 0;
            m.row(i, row);
            for (int j = 0; j < row.length; j++) {
                s += q[j] * row[j];
            }
            t.offer(s, i);
        }
        return t.indices(0);
    }

    @Test
    void findsTopKLikeBruteForce() {
        H0Matrix m = randomMatrix(3000, DIM, 1);
        ShortlistIndex idx = build(m);
        assertEquals(3000, idx.size());
        Random r = new Random(2);
        int found = 0;
        int total = 0;
        for (int q = 0; q < 20; q++) {
            float[] query = unit(r, DIM);
            int[] truth = bruteForce(m, query, 10);
            ShortlistIndex.Hits h = idx.search(query, 10);
            assertEquals(10, h.size());
            Set<Integer> got = new HashSet<>();
            for (int x : h.rows()) {
                got.add(x);
            }
            for (int x : truth) {
                if (got.contains(x)) {
                    found++;
                }
                total++;
            }
            for (int i = 1; i < h.size(); i++) {
                assertTrue(h.scores()[i - 1] >= h.scores()[i], "best first");
            }
            // returned scores are exact cosines
            float[] row = new float[DIM];
            for (int i = 0; i < h.size(); i++) {
                m.row(h.rows()[i], row);
                assertEquals(VecMath.dot(query, row), h.scores()[i], 1e-5);
            }
        }
        assertTrue(found >= minRecall() * total, "recall " + found + "/" + total);
    }

    @Test
    void exactRowIsFirst() {
        H0Matrix m = randomMatrix(500, DIM, 3);
        ShortlistIndex idx = build(m);
        float[] row = m.row(123, new float[DIM]);
        assertEquals(123, idx.search(row, 5).rows()[0]);
    }

    @Test
    void kLargerThanSizeAndEmpty() {
        H0Matrix m = randomMatrix(7, DIM, 4);
        ShortlistIndex idx = build(m);
        ShortlistIndex.Hits h = idx.search(unit(new Random(5), DIM), 50);
        assertEquals(7, h.size());
        int[] sorted = h.rows().clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, sorted);
        ShortlistIndex empty = build(H0Matrix.of(List.of(), new float[0], DIM));
        assertEquals(0, empty.search(unit(new Random(6), DIM), 5).size());
    }

    @Test
    void rejectsWrongQueryDim() {
        ShortlistIndex idx = build(randomMatrix(10, DIM, 4));
        assertThrows(IllegalArgumentException.class, () -> idx.search(new float[DIM + 1], 3));
    }
}
