package org.mgsv.core.metrics;

/**
 * What the scorer needs of one query: the de-duplicated 0-based rank of its ground-truth track (or that it
 * was not in a truncated ranking) and the IoU of its predicted moment.
 *
 * @param rank0          0-based de-duplicated rank of the ground truth, or -1 when it is not in the ranking
 * @param rankedDistinct number of distinct music ids in the ranking (only used when {@code rank0 == -1}: the
 *                       true rank is then at least this)
 * @param iou            IoU of the predicted moment ({@link MomentIou})
 */
public record QueryOutcome(int rank0, int rankedDistinct, float iou) {

    public QueryOutcome {
        if (rank0 < -1 || rankedDistinct < 0) {
            throw new IllegalArgumentException("bad outcome rank0=" + rank0 + " rankedDistinct=" + rankedDistinct);
        }
    }

    /** A query whose ground truth has a known 0-based rank. */
    public static QueryOutcome ranked(int rank0, float iou) {
        if (rank0 < 0) {
            throw new IllegalArgumentException("rank0 must be >= 0: " + rank0);
        }
        return new QueryOutcome(rank0, rank0 + 1, iou);
    }

    /** A query whose ground truth is not among the {@code rankedDistinct} distinct ids of its ranking. */
    public static QueryOutcome unranked(int rankedDistinct, float iou) {
        return new QueryOutcome(-1, rankedDistinct, iou);
    }

    public boolean isRanked() {
        return rank0 >= 0;
    }

    /** True when the rank is known to be below k (false when unknown or >= k). */
    boolean within(int k) {
        return rank0 >= 0 && rank0 < k;
    }

    /** True when "rank below k" is decided: the rank is known, or the ranking lists at least k distinct ids. */
    boolean decides(int k) {
        return rank0 >= 0 || rankedDistinct >= k;
    }
}
