package org.mgsv.core.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bounded heap keeps exactly the k best of each row (score descending, then index ascending). */
class TopKHeapTest {

    private static int[] bruteForce(float[] s, int k) {
        return IntStream.range(0, s.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void keepsTheKBestOfEachRowWithTiesToTheLowerIndex() {
        Random r = new Random(3);
        int rows = 5;
        int n = 200;
        for (int k : new int[] {0, 1, 7, 64, 250}) {
            TopKHeap h = new TopKHeap(rows, k);
            float[][] s = new float[rows][n];
            for (int row = 0; row < rows; row++) {
                for (int i = 0; i < n; i++) {
                    s[row][i] = r.nextInt(40) / 4f; // many ties
                    h.offer(row, s[row][i], i);
                }
            }
            for (int row = 0; row < rows; row++) {
                int[] want = bruteForce(s[row], k);
                assertArrayEquals(want, h.indices(row), "k=" + k + " row " + row);
                float[] ws = new float[want.length];
                for (int i = 0; i < want.length; i++) {
                    ws[i] = s[row][want[i]];
                }
                assertArrayEquals(ws, h.scores(row));
                assertEquals(Math.min(k, n), h.size(row));
            }
        }
    }

    @Test
    void mergedPartsEqualOneScanAndTheThresholdIsTheLowestKept() {
        Random r = new Random(5);
        float[] s = new float[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        TopKHeap all = new TopKHeap(10);
        TopKHeap a = new TopKHeap(10);
        TopKHeap b = new TopKHeap(10);
        for (int i = 0; i < s.length; i++) {
            all.offer(s[i], i);
            (i < 500 ? a : b).offer(s[i], i);
        }
        TopKHeap merged = new TopKHeap(10);
        merged.addAll(b);
        merged.addAll(a);
        assertArrayEquals(all.indices(0), merged.indices(0));
        assertArrayEquals(bruteForce(s, 10), all.indices(0));
        float[] kept = all.scores(0);
        assertEquals(kept[kept.length - 1], all.threshold());
        assertEquals(Float.NEGATIVE_INFINITY, new TopKHeap(3).threshold());
        float[] sorted = s.clone();
        Arrays.sort(sorted);
        assertEquals(sorted[sorted.length - 1], kept[0]);
    }
}
