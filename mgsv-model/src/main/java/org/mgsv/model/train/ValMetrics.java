package org.mgsv.model.train;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validation metrics as the reference computes them (specification §5): V2MR ranks with music-id de-duplication,
 * SmG IoU of the predicted moment in the ground-truth track, MsG MoR@k(θ). Percentages except mIoU and MRR.
 */
public final class ValMetrics {
    private ValMetrics() {}

    private static final int[] KS = {1, 3, 5, 10, 20, 25, 50, 100};

    /** 0-based de-duplicated rank of the ground truth per video; sim[v][m], musicIds per column. */
    public static int[] ranks(float[][] sim, List<String> musicIds, List<String> gtMusicIds) {
        int n = sim.length;
        int[] out = new int[n];
        for (int v = 0; v < n; v++) {
            float[] row = sim[v];
            Integer[] order = new Integer[row.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Float.compare(row[b], row[a]));
            Set<String> seen = new HashSet<>();
            int rank = 0;
            String gt = gtMusicIds.get(v);
            out[v] = Integer.MAX_VALUE;
            for (Integer c : order) {
                String id = musicIds.get(c);
                if (!seen.add(id)) {
                    continue;
                }
                if (id.equals(gt)) {
                    out[v] = rank;
                    break;
                }
                rank++;
            }
        }
        return out;
    }

    /** IoU of a predicted moment (seconds) with the ground truth, clamped as the reference does. */
    public static double iou(double gtSt, double gtEd, double duration, double predSt, double predEd,
            double maxDuration) {
        if (gtSt >= gtEd) {
            return 0;
        }
        double ps = Math.max(predSt, 0);
        double pe = Math.min(Math.min(predEd, maxDuration), duration);
        double inter = Math.max(Math.min(gtEd, pe) - Math.max(gtSt, ps), 0);
        double union = (pe - ps) + (gtEd - gtSt) - inter;
        if (union <= 0) {
            return 0;
        }
        return inter / union;
    }

    /** Every metric from ranks and IoUs. */
    public static Map<String, Double> compute(int[] ranks, double[] ious) {
        int n = ranks.length;
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k : KS) {
            int c = 0;
            for (int r : ranks) {
                c += r < k ? 1 : 0;
            }
            out.put("R" + k, 100.0 * c / n);
        }
        int[] sorted = ranks.clone();
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        double mean = 0;
        double mrr = 0;
        for (int r : ranks) {
            mean += r;
            mrr += 1.0 / (r + 1.0);
        }
        out.put("MedianR", median + 1);
        out.put("MeanR", mean / n + 1);
        out.put("MRR", mrr / n);
        double miou = 0;
        for (double x : ious) {
            miou += x;
        }
        out.put("mIoU", miou / n);
        for (double th : new double[] {0.3, 0.5, 0.7}) {
            int c = 0;
            for (double x : ious) {
                c += x > th ? 1 : 0;
            }
            out.put("IoU@" + th, 100.0 * c / n);
        }
        for (double th : new double[] {0.5, 0.7}) {
            for (int k : new int[] {1, 10, 50, 100}) {
                int c = 0;
                for (int i = 0; i < n; i++) {
                    c += ranks[i] < k && ious[i] > th ? 1 : 0;
                }
                out.put("R" + k + "_iou" + th, 100.0 * c / n);
            }
        }
        return out;
    }
}
