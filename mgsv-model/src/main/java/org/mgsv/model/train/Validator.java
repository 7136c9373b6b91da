package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgsv.core.metrics.MomentIou;
import org.mgsv.core.metrics.QueryOutcome;
import org.mgsv.core.metrics.RetrievalRanks;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;

/**
 * Validation pass of a training run (eval mode): the full [N videos × N musics] similarity matrix of the split's
 * pairs (dual + single as the configuration scores), the predicted moment of each ground-truth pair, and the
 * metrics of {@link Scorer} (the reference's definitions). Memory is bounded by the batch and a music chunk: the N×N×d X-Pool tensor is
 * never held whole.
 */
public final class Validator {
    private static final int MUSIC_CHUNK = 16;

    private Validator() {}

    /** Per-pair predictions and the similarity matrix. */
    public record Result(Map<String, Double> metrics, float[][] sim, double[] predStart, double[] predEnd,
            int[] ranks, double[] ious) {}

    public static Result evaluate(MadeNetwork net, List<TrainPair> pairs, FeatureSource src, int batch,
            NDManager parent) {
        MadeConfig c = net.config();
        int n = pairs.size();
        float[][] sim = new float[n][n];
        double[] st = new double[n];
        double[] ed = new double[n];
        double maxD = c.maxMDuration();
        try (NDManager m = parent.newSubManager()) {
            // pass 1: every video vector
            List<NDArray> vecs = new ArrayList<>();
            for (int s = 0; s < n; s += batch) {
                List<TrainPair> part = pairs.subList(s, Math.min(n, s + batch));
                try (NDManager step = m.newSubManager()) {
                    Batch b = load(step, part, src, c);
                    NDArray v = net.encodeVideo(b.frames(), b.frameMask(), false).vector();
                    v.attach(m);
                    vecs.add(v);
                }
            }
            NDArray allVid = NDArrays.concat(new ai.djl.ndarray.NDList(vecs), 0); // [N, d]
            // pass 2: each batch's musics → similarity columns; paired rows → moments
            for (int s = 0; s < n; s += batch) {
                int e = Math.min(n, s + batch);
                List<TrainPair> part = pairs.subList(s, e);
                try (NDManager step = m.newSubManager()) {
                    Batch b = load(step, part, src, c);
                    MadeOutput out = net.forward(new MadeInputs(b.frames(), b.frameMask(), b.segments(),
                            b.segmentMask()), false);
                    NDArray cols = null;
                    if (c.retrievalScore().usesDual()) {
                        cols = MadeNetwork.dualSimilarity(allVid, out.musicFeats()); // [N, b]
                    }
                    if (c.retrievalScore().usesSingle()) {
                        List<NDArray> parts = new ArrayList<>();
                        for (int k = 0; k < part.size(); k += MUSIC_CHUNK) {
                            int k2 = Math.min(part.size(), k + MUSIC_CHUNK);
                            NDArray tok = out.segmentTokens().get(new NDIndex(k + ":" + k2));
                            NDArray msk = b.segmentMask().get(new NDIndex(k + ":" + k2));
                            NDArray pooled = net.xpool(allVid, tok, msk, false);
                            parts.add(MadeNetwork.singleSimilarity(allVid, pooled));
                        }
                        NDArray single = NDArrays.concat(new ai.djl.ndarray.NDList(parts), 1);
                        cols = cols == null ? single : cols.add(single);
                    }
                    float[] cv = cols.toFloatArray();
                    int w = e - s;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < w; j++) {
                            sim[i][s + j] = cv[i * w + j];
                        }
                    }
                    float[] sp = out.predSpans().toFloatArray(); // [b, Q, 2]: the first query (one query)
                    float[] lg = out.predLogits().toFloatArray();
                    int q = (int) out.predSpans().getShape().get(1);
                    for (int j = 0; j < w; j++) {
                        // highest foreground probability among the queries (the reference's top-1 moment)
                        int best = 0;
                        double bestP = -1;
                        for (int a = 0; a < q; a++) {
                            double l0 = lg[(j * q + a) * 2];
                            double l1 = lg[(j * q + a) * 2 + 1];
                            double p = 1.0 / (1.0 + Math.exp(l1 - l0));
                            if (p > bestP) {
                                bestP = p;
                                best = a;
                            }
                        }
                        double cc = sp[(j * q + best) * 2];
                        double ww = sp[(j * q + best) * 2 + 1];
                        st[s + j] = (cc - ww / 2) * maxD;
                        ed[s + j] = (cc + ww / 2) * maxD;
                    }
                }
            }
        }
        List<String> musicIds = new ArrayList<>();
        for (TrainPair p : pairs) {
            musicIds.add(p.musicId());
        }
        int[] ranks = new RetrievalRanks(musicIds).diagonalRanks(sim);
        double[] ious = new double[n];
        List<QueryOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrainPair p = pairs.get(i);
            float iou = MomentIou.iou(p.musicStart(), p.musicEnd(), p.musicDuration(), st[i], ed[i]);
            ious[i] = iou;
            outcomes.add(QueryOutcome.ranked(ranks[i], iou));
        }
        Map<String, Double> metrics = new java.util.LinkedHashMap<>(Scorer.scoreOutcomes(outcomes).values());
        return new Result(metrics, sim, st, ed, ranks, ious);
    }

    static Batch load(NDManager m, List<TrainPair> pairs, FeatureSource src, MadeConfig c) {
        return Batch.load(m, pairs, src, c.frameSlots(), c.frameFeatDim(), c.segmentSlots(), c.segmentFeatDim(),
                c.maxMDuration());
    }
}
