package org.mgsv.core.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * De-duplicated retrieval ranks from similarity rows, for evaluators that hold a similarity matrix
 * [videos × items] with a music id per item column (as the reference builds it over a split's pairs, where
 * several items may carry the same track).
 *
 * <p>The rank of a row's ground truth is the number of <em>distinct</em> other music ids whose best-placed
 * column precedes the ground truth's best-placed column in the row's descending order — exactly the position
 * found by scanning the sorted ids and skipping ids already seen, as the reference does.
 *
 * <p><b>Ties</b> are broken by column index (a stable descending sort: among equal similarities the lower
 * column comes first). The reference sorts with numpy's default (unstable introsort) {@code argsort} and
 * reverses it, which orders equal values in an implementation-defined way that cannot be reproduced in
 * general; rows with tied similarities around the ground truth may therefore rank differently (on the
 * metrics-A reference data 4 of 300 rows built with deliberate ties do). Continuous model outputs rarely tie.
 *
 * <p>Memory: O(items) per call, no sorting and no index arrays — work row by row from a {@code float[]} or
 * {@code double[]} (e.g. one row of a matrix product). Instances are immutable and thread-safe.
 */
public final class RetrievalRanks {
    private final int[] code;
    private final int distinct;
    private final Map<String, Integer> codeOf;
    private final String[] idOf;

    /** @param columnMusicIds the music id of every column, in column order */
    public RetrievalRanks(List<String> columnMusicIds) {
        this.code = new int[columnMusicIds.size()];
        this.codeOf = new HashMap<>();
        for (int j = 0; j < code.length; j++) {
            Integer c = codeOf.putIfAbsent(columnMusicIds.get(j), codeOf.size());
            code[j] = c == null ? codeOf.size() - 1 : c;
        }
        this.distinct = codeOf.size();
        this.idOf = new String[distinct];
        for (Map.Entry<String, Integer> e : codeOf.entrySet()) {
            idOf[e.getValue()] = e.getKey();
        }
    }

    /**
     * The row's music ids best first, de-duplicated (each id at its best column), at most {@code limit} of
     * them — what a run file's {@code ranking} holds. Same order and tie-break as {@link #rank}: the position
     * of the ground truth in this list is its rank.
     */
    public List<String> rankedMusicIds(float[] row, int limit) {
        checkRow(row.length);
        return ranked(i -> row[i], limit);
    }

    /** As {@link #rankedMusicIds(float[], int)} for a double row. */
    public List<String> rankedMusicIds(double[] row, int limit) {
        checkRow(row.length);
        return ranked(i -> row[i], limit);
    }

    private List<String> ranked(Row row, int limit) {
        int n = code.length;
        for (int j = 0; j < n; j++) {
            if (Double.isNaN(row.at(j))) {
                throw new IllegalArgumentException("NaN similarity in column " + j);
            }
        }
        int[] order = new int[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        // stable merge sort by descending similarity (ties keep column order)
        int[] buf = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int a = lo, b = mid, k = lo;
                while (a < mid && b < hi) {
                    buf[k++] = row.at(order[b]) > row.at(order[a]) ? order[b++] : order[a++];
                }
                while (a < mid) {
                    buf[k++] = order[a++];
                }
                while (b < hi) {
                    buf[k++] = order[b++];
                }
                System.arraycopy(buf, lo, order, lo, hi - lo);
            }
        }
        int max = Math.min(Math.max(limit, 0), distinct);
        List<String> out = new java.util.ArrayList<>(max);
        boolean[] seen = new boolean[distinct];
        for (int j = 0; j < n && out.size() < max; j++) {
            int c = code[order[j]];
            if (!seen[c]) {
                seen[c] = true;
                out.add(idOf[c]);
            }
        }
        return out;
    }

    /** Number of columns. */
    public int columns() {
        return code.length;
    }

    /** Number of distinct music ids over the columns. */
    public int distinctMusic() {
        return distinct;
    }

    /** 0-based de-duplicated rank of the music of column {@code gtColumn} in {@code row}. */
    public int rank(float[] row, int gtColumn) {
        checkRow(row.length);
        return rankCode(i -> row[i], code[checkColumn(gtColumn)]);
    }

    /** 0-based de-duplicated rank of the music of column {@code gtColumn} in {@code row}. */
    public int rank(double[] row, int gtColumn) {
        checkRow(row.length);
        return rankCode(i -> row[i], code[checkColumn(gtColumn)]);
    }

    /** 0-based de-duplicated rank of music {@code gtMusicId} in {@code row}. */
    public int rank(float[] row, String gtMusicId) {
        checkRow(row.length);
        return rankCode(i -> row[i], codeOf(gtMusicId));
    }

    /** 0-based de-duplicated rank of music {@code gtMusicId} in {@code row}. */
    public int rank(double[] row, String gtMusicId) {
        checkRow(row.length);
        return rankCode(i -> row[i], codeOf(gtMusicId));
    }

    /**
     * Ranks of every row of a square matrix whose row i has its ground truth in column i (the reference's
     * convention for a split's similarity matrix).
     */
    public int[] diagonalRanks(float[][] sim) {
        int[] r = new int[sim.length];
        for (int i = 0; i < sim.length; i++) {
            r[i] = rank(sim[i], i);
        }
        return r;
    }

    /** As {@link #diagonalRanks(float[][])} for double rows. */
    public int[] diagonalRanks(double[][] sim) {
        int[] r = new int[sim.length];
        for (int i = 0; i < sim.length; i++) {
            r[i] = rank(sim[i], i);
        }
        return r;
    }

    @FunctionalInterface
    private interface Row {
        double at(int j);
    }

    private int rankCode(Row row, int gt) {
        int n = code.length;
        int best = -1;
        double bestValue = 0;
        for (int j = 0; j < n; j++) {
            double s = row.at(j);
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("NaN similarity in column " + j);
            }
            if (code[j] == gt && (best < 0 || s > bestValue)) {
                best = j;
                bestValue = s;
            }
        }
        boolean[] seen = new boolean[distinct];
        int rank = 0;
        for (int j = 0; j < n; j++) {
            double s = row.at(j);
            if (s > bestValue || (s == bestValue && j < best)) {
                int c = code[j];
                if (c != gt && !seen[c]) {
                    seen[c] = true;
                    rank++;
                }
            }
        }
        return rank;
    }

    private int codeOf(String musicId) {
        Integer c = codeOf.get(musicId);
        if (c == null) {
            throw new IllegalArgumentException("music id '" + musicId + "' is not among the columns");
        }
        return c;
    }

    private void checkRow(int len) {
        if (len != code.length) {
            throw new IllegalArgumentException("row has " + len + " values, expected " + code.length + " columns");
        }
    }

    private int checkColumn(int j) {
        if (j < 0 || j >= code.length) {
            throw new IllegalArgumentException("column " + j + " out of range [0, " + code.length + ")");
        }
        return j;
    }
}
