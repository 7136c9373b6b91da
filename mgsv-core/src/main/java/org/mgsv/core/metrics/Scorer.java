package org.mgsv.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scores runs exactly as the reference evaluation does (MGSV-EC protocol):
 * <ul>
 *   <li><b>V2MR</b> (retrieval): the ranking is scanned best first, skipping music ids already seen
 *       (music-id de-duplication); the ground truth's position among the distinct ids is its 0-based rank.
 *       {@code R@k} = % of queries with rank &lt; k; {@code MedianR} = median(rank) + 1; {@code MeanR} =
 *       mean(rank) + 1; {@code MRR} = mean(1 / (rank + 1)).</li>
 *   <li><b>SmG</b> (grounding in the ground-truth track): {@link MomentIou}; {@code mIoU} = mean IoU
 *       (float32 accumulation, as the reference); {@code IoU@θ} = % with IoU &gt; θ (strict).</li>
 *   <li><b>MsG</b> (both): {@code R{k}_iou{θ}} (MoR@k at θ) = % of all queries with rank &lt; k and IoU &gt; θ
 *       (float32, as the reference).</li>
 *   <li>{@code R{k}_miou} = mean IoU over the queries with rank &lt; k (null when there are none).
 *       <b>Difference from the reference:</b> the reference's {@code Composite_metrics} divides the IoU sum by
 *       the number of all queries N and then again by the count with rank &lt; k, i.e. it reports
 *       {@code R{k}_miou / N}. We report the intended mean; the reference's value is kept under
 *       {@code R{k}_miou_upstream} (= {@code R{k}_miou / N} up to float32 rounding; 0 when the count is 0) so
 *       numbers can be compared with logs of the reference code.</li>
 * </ul>
 *
 * <p><b>Truncated rankings.</b> When a ground truth is not in its (truncated) ranking its rank is only known to
 * be at least the number of distinct ids listed. {@code R@k}, MoR@k and {@code R{k}_miou} are reported when
 * exact: when every query either ranks its ground truth or lists at least k distinct ids (in particular for
 * every k up to the shortest de-duplicated list); otherwise null. {@code MedianR}, {@code MeanR}, {@code MRR}
 * are reported only when every ground truth is ranked. A warning says what was left out.
 *
 * <p>Float32 mimicry: values the reference holds as float32 torch scalars ({@code mIoU}, {@code R*_iou*},
 * {@code R*_miou}) are accumulated in float32 in query order like the reference; the others in float64 the way
 * numpy/Python compute them (MRR with numpy's pairwise summation).
 */
public final class Scorer {
    private Scorer() {}

    /** De-duplicated rank and IoU of one run entry. */
    public static QueryOutcome outcome(RunEntry e) {
        float iou = MomentIou.iou(e);
        Set<String> seen = new HashSet<>();
        String gt = e.musicId();
        for (String id : e.ranking()) {
            if (seen.add(id) && id.equals(gt)) {
                return QueryOutcome.ranked(seen.size() - 1, iou);
            }
        }
        return QueryOutcome.unranked(seen.size(), iou);
    }

    /** Scores run entries (de-duplicating their rankings). */
    public static PaperMetrics score(List<RunEntry> entries) {
        List<QueryOutcome> outs = new ArrayList<>(entries.size());
        int emptyGt = 0;
        for (RunEntry e : entries) {
            outs.add(outcome(e));
            if ((float) e.gtStart() >= (float) e.gtEnd()) {
                emptyGt++;
            }
        }
        List<String> extra = new ArrayList<>();
        if (emptyGt > 0) {
            extra.add(String.format(Locale.ROOT,
                    "%d of %d queries have an empty ground-truth moment (gt_start >= gt_end): IoU 0, as in the reference",
                    emptyGt, entries.size()));
        }
        return scoreOutcomes(outs, extra);
    }

    /** Scores per-query outcomes (e.g. from {@link RetrievalRanks} and {@link MomentIou}). */
    public static PaperMetrics scoreOutcomes(List<QueryOutcome> outcomes) {
        return scoreOutcomes(outcomes, List.of());
    }

    private static PaperMetrics scoreOutcomes(List<QueryOutcome> outs, List<String> extraWarnings) {
        int n = outs.size();
        if (n == 0) {
            throw new IllegalArgumentException("no queries to score");
        }
        Map<String, Double> v = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        int unranked = 0;
        int minListedUnranked = Integer.MAX_VALUE;
        for (QueryOutcome o : outs) {
            if (!o.isRanked()) {
                unranked++;
                minListedUnranked = Math.min(minListedUnranked, o.rankedDistinct());
            }
        }

        // V2MR: float(np.sum(ind < k)) * 100 / len(ind), in float64.
        List<Integer> undecided = new ArrayList<>();
        for (int k : PaperMetrics.RECALL_KS) {
            if (decides(outs, k)) {
                int c = 0;
                for (QueryOutcome o : outs) {
                    c += o.within(k) ? 1 : 0;
                }
                v.put("R" + k, (double) c * 100 / n);
            } else {
                v.put("R" + k, null);
                undecided.add(k);
            }
        }
        if (unranked == 0) {
            int[] ranks = new int[n];
            long sum = 0;
            double[] recip = new double[n];
            for (int i = 0; i < n; i++) {
                ranks[i] = outs.get(i).rank0();
                sum += ranks[i];
                recip[i] = 1.0 / (ranks[i] + 1);
            }
            int[] sorted = ranks.clone();
            Arrays.sort(sorted);
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2.0;
            v.put("MedianR", median + 1);
            v.put("MeanR", (double) sum / n + 1);
            v.put("MRR", NumpySum.mean(recip));
        } else {
            v.put("MedianR", null);
            v.put("MeanR", null);
            v.put("MRR", null);
            warnings.add(String.format(Locale.ROOT,
                    "%d of %d queries have their ground truth outside their (truncated) ranking, the shortest such "
                            + "ranking lists %d distinct ids: MedianR, MeanR, MRR are null%s",
                    unranked, n, minListedUnranked,
                    undecided.isEmpty() ? "" : "; so are R@k, MoR@k and R{k}_miou for k in " + undecided));
        }

        // SmG: sum(IoU_list) / len(IoU_list) on float32 tensors; IoU@θ counts in Python ints.
        float iouSum = 0f;
        for (QueryOutcome o : outs) {
            iouSum += o.iou();
        }
        v.put("mIoU", (double) (iouSum / (float) n));
        for (String t : PaperMetrics.IOU_THRESHOLDS) {
            float th = Float.parseFloat(t);
            int c = 0;
            for (QueryOutcome o : outs) {
                c += o.iou() > th ? 1 : 0;
            }
            v.put("IoU@" + t, (double) c * 100 / n);
        }

        // MsG: float32 tensor accumulation, divided by N then multiplied by 100 in float32.
        for (String t : PaperMetrics.MOR_THRESHOLDS) {
            float th = Float.parseFloat(t);
            for (int k : PaperMetrics.MOR_KS) {
                if (!decides(outs, k)) {
                    v.put(PaperMetrics.morKey(k, t), null);
                    continue;
                }
                float c = 0f;
                for (QueryOutcome o : outs) {
                    if (o.within(k) && o.iou() > th) {
                        c += 1f;
                    }
                }
                v.put(PaperMetrics.morKey(k, t), (double) ((c / (float) n) * 100f));
            }
        }
        Map<String, Double> upstream = new LinkedHashMap<>();
        for (int k : PaperMetrics.MOR_KS) {
            String key = PaperMetrics.miouKey(k);
            if (!decides(outs, k)) {
                v.put(key, null);
                upstream.put(key + PaperMetrics.UPSTREAM_SUFFIX, null);
                continue;
            }
            float s = 0f;
            int count = 0;
            for (QueryOutcome o : outs) {
                if (o.within(k)) {
                    s += o.iou();
                    count++;
                }
            }
            v.put(key, count == 0 ? null : (double) s / count);
            upstream.put(key + PaperMetrics.UPSTREAM_SUFFIX,
                    count == 0 ? 0.0 : (double) ((s / (float) n) / (float) count));
        }
        v.putAll(upstream);
        warnings.addAll(extraWarnings);
        return new PaperMetrics(n, v, warnings);
    }

    private static boolean decides(List<QueryOutcome> outs, int k) {
        for (QueryOutcome o : outs) {
            if (!o.decides(k)) {
                return false;
            }
        }
        return true;
    }
}
