package org.mgsv.model.eval;

import java.util.List;

/**
 * Per-query results of a full MsG pass over N pairs.
 *
 * @param musicIds   the distinct music ids ranked (first-occurrence order of the split)
 * @param gtMusic    per row, index of its ground-truth music in {@code musicIds}
 * @param rank0      per row, 0-based de-duplicated rank of the ground truth (ties broken by music order)
 * @param ties       per row, number of other musics with exactly the ground truth's score
 * @param gtScore    per row, retrieval score of its ground-truth pair
 * @param predStart  per row, predicted moment start in seconds inside the ground-truth track (not clamped)
 * @param predEnd    per row, predicted moment end in seconds
 * @param predScore  per row, foreground probability of the prediction
 * @param topMusic   per row, indices into {@code musicIds} of the best {@code topK} musics, best first
 * @param topScore   per row, their scores
 * @param pass1Seconds encode + detect + ground-truth scores
 * @param pass2Seconds ranking of all pairs
 */
public record MsgResult(List<String> musicIds, int[] gtMusic, int[] rank0, int[] ties, float[] gtScore,
        float[] predStart, float[] predEnd, float[] predScore, int[][] topMusic, float[][] topScore,
        double pass1Seconds, double pass2Seconds) {

    public int size() {
        return rank0.length;
    }

    /** The ranked music ids of a row (top-K, best first). */
    public List<String> ranking(int row) {
        int[] t = topMusic[row];
        String[] ids = new String[t.length];
        for (int i = 0; i < t.length; i++) {
            ids[i] = musicIds.get(t[i]);
        }
        return List.of(ids);
    }
}
