package org.mgsv.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.NativeMemory;
import org.mgsv.model.Ops;
import org.mgsv.model.XPool;
import org.mgsv.model.loss.LayerOutput;
import org.mgsv.model.loss.MadeCriterion;
import org.mgsv.model.loss.RetrievalLoss;

/**
 * The gradient of a batch's loss computed in slices of b pairs, so that memory is bounded by b rather than the
 * batch (the reference holds the whole batch's activations; at batch 128 that is several GB).
 *
 * <p>Why it is exact. The loss is L = R(V, M, K) + (1/B) Σ_i ℓ_i, where V, M are the clip and music vectors and
 * K the X-Pool music side (LayerNorm-1 segment tokens) of the whole batch (the retrieval loss couples all pairs
 * through the B×B matrices), and ℓ_i is pair i's localization loss (every localization term is a mean over pairs; a
 * slice's criterion value times b/B is its share). So:
 * <ol>
 *   <li>encode every slice without a graph (slice k with its own dropout seed) → V, M, K;</li>
 *   <li>with V, M, K as leaves, compute R and its gradients G_V, G_M, G_K — the video side of X-Pool and
 *       logit_scale get their gradients here. The B×B×d X-Pool tensors are never held at once: the single-score
 *       matrix S is computed slice by slice of videos without a graph, R is differentiated with respect to S (a
 *       B×B leaf), and each slice's X-Pool is recomputed with a graph and back-propagated with its rows of ∂R/∂S
 *       (same dropout seed, so the same values);</li>
 *   <li>for each slice, encode again with the same seed (identical dropout masks, identical values) with a graph,
 *       run detection and the slice's localization, and back-propagate
 *       (b/B)·loc_k + Σ V_k⊙G_V,k + Σ M_k⊙G_M,k + Σ K_k⊙G_K,k, whose gradient with respect to every
 *       encoder, X-Pool LayerNorm-1 and detection parameter is that parameter's share of ∂L (chain rule through
 *       the embeddings).</li>
 * </ol>
 * Gradients accumulate over the slices into the parameters' gradients (zeroed once at the start). The cost is a
 * second forward pass of the two encoders. The dropout masks differ from a single-pass step's (another random
 * sample of the same distribution); with dropout off the gradients equal the single-pass ones to float rounding.
 * Requires a moment query that does not depend on the whole batch (not {@code XPOOL}).
 */
final class MicroBatchStep {
    private MicroBatchStep() {}

    static Map<String, Double> lossAndGradients(MadeNetwork net, MadeCriterion criterion, FeatureSource src,
            List<TrainPair> pairs, int mb, int seed, NDManager root, List<NDArray> all) {
        MadeConfig c = net.config();
        if (c.momentQuery() == MadeConfig.MomentQuery.XPOOL) {
            throw new MgsvException("micro-batches need a moment query that does not depend on the whole batch "
                    + "(momentQuery " + c.momentQuery() + ")");
        }
        Engine engine = Engine.getInstance();
        int n = pairs.size();
        int slices = (n + mb - 1) / mb;
        Grads.zero(all);
        Map<String, Double> out = new LinkedHashMap<>();
        try (NDManager sm = root.newSubManager()) {
            // 1. embeddings of every slice, no graph
            List<NDArray> vs = new ArrayList<>();
            List<NDArray> ms = new ArrayList<>();
            boolean single = c.retrievalScore().usesSingle();
            List<NDArray> ks = new ArrayList<>();
            List<NDArray> masks = new ArrayList<>();
            for (int k = 0; k < slices; k++) {
                try (NDManager km = sm.newSubManager()) {
                    PairBatch b = PairBatch.load(km, pairs.subList(k * mb, Math.min(n, (k + 1) * mb)), src, c);
                    Ops.seedRandom(engine, sliceSeed(seed, k));
                    MadeNetwork.Encoded v = net.encodeVideo(b.frames(), b.frameMask(), true);
                    MadeNetwork.Encoded mu = net.encodeMusic(b.segments(), b.segmentMask(), true);
                    v.vector().attach(sm);
                    mu.vector().attach(sm);
                    vs.add(v.vector());
                    ms.add(mu.vector());
                    if (single) {
                        // X-Pool's music side (LayerNorm-1 tokens) of the slice: computed once per step, not per
                        // slice of videos in 2b
                        XPool.Music kv = net.xpoolMusic(mu.tokens(), mu.mask());
                        for (NDArray a : new NDArray[] {kv.tokens(), kv.mask()}) {
                            a.attach(sm);
                        }
                        ks.add(kv.tokens());
                        masks.add(kv.mask());
                    }
                }
            }
            NDArray vAll = NDArrays.concat(new NDList(vs), 0);
            NDArray mAll = NDArrays.concat(new NDList(ms), 0);
            vAll.setRequiresGradient(true);
            mAll.setRequiresGradient(true);
            XPool.Music kvAll = null;
            if (single) {
                kvAll = new XPool.Music(NDArrays.concat(new NDList(ks), 0), NDArrays.concat(new NDList(masks), 0));
                kvAll.tokens().setRequiresGradient(true);
            }
            // 2. retrieval loss over the whole batch and its gradients with respect to the embeddings
            NDArray gV;
            NDArray gM;
            NDArray gK = null;
            double dualV;
            double singleV;
            // 2a. the single scores S [B, B] (X-Pool of every music for each slice of videos), without a graph
            NDArray sAll = null;
            if (single) {
                List<NDArray> rowsOfS = new ArrayList<>();
                for (int k = 0; k < slices; k++) {
                    rowsOfS.add(singleScores(net, engine, vAll, kvAll, k * mb, Math.min(n, (k + 1) * mb), seed, k));
                }
                sAll = NDArrays.concat(new NDList(rowsOfS), 0);
                sAll.setRequiresGradient(true);
            }
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray tau = net.params().get("logit_scale");
                NDArray ret = null;
                dualV = 0;
                singleV = 0;
                if (c.retrievalScore().usesDual()) {
                    NDArray d = RetrievalLoss.of(MadeNetwork.dualSimilarity(vAll, mAll), tau);
                    dualV = d.getFloat();
                    ret = d;
                }
                if (sAll != null) {
                    NDArray s = RetrievalLoss.of(sAll, tau);
                    singleV = s.getFloat();
                    ret = ret == null ? s : ret.add(s);
                }
                gc.backward(Ops.mul(ret, (float) criterion.weights().retrieval()));
            }
            // 2b. G_S = ∂L/∂S pushed back through each slice's X-Pool again (same dropout seed, so the same values),
            // accumulating into the X-Pool parameters, the clip vectors and X-Pool's music tokens
            if (sAll != null) {
                NDArray gS = sAll.getGradient().duplicate();
                for (int k = 0; k < slices; k++) {
                    int from = k * mb;
                    int to = Math.min(n, (k + 1) * mb);
                    try (NDManager km = sm.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                        NDArray sk = singleScores(net, engine, vAll, kvAll, from, to, seed, k);
                        NDArray g = gS.get(new NDIndex(from + ":" + to));
                        g.attach(km);
                        gc.backward(sk.mul(g).sum());
                    }
                }
            }
            gV = vAll.getGradient().duplicate();
            gM = mAll.getGradient().duplicate();
            if (kvAll != null) {
                gK = kvAll.tokens().getGradient().duplicate();
            }
            out.put("loss_retrieval", dualV + singleV);
            out.put("loss_retrieval_dual", dualV);
            out.put("loss_retrieval_single", singleV);
            // 3. each slice again, with a graph: detection + localization, and the retrieval gradient
            double loc = 0;
            Map<String, Double> termSums = new LinkedHashMap<>();
            for (int k = 0; k < slices; k++) {
                int from = k * mb;
                int to = Math.min(n, (k + 1) * mb);
                float share = (float) (to - from) / n;
                org.mgsv.model.NativeMemory.release(MadeTrainer.DIRECT_BUFFER_LIMIT);
                try (NDManager km = sm.newSubManager();
                        GradientCollector gc = engine.newGradientCollector()) {
                    PairBatch b = PairBatch.load(km, pairs.subList(from, to), src, c);
                    Ops.seedRandom(engine, sliceSeed(seed, k));
                    MadeNetwork.Encoded v = net.encodeVideo(b.frames(), b.frameMask(), true);
                    MadeNetwork.Encoded mu = net.encodeMusic(b.segments(), b.segmentMask(), true);
                    // X-Pool's music side again, with a graph, for the retrieval gradient of its tokens
                    XPool.Music kv = single ? net.xpoolMusic(mu.tokens(), mu.mask()) : null;
                    NDArray pooled = c.momentQuery() == MadeConfig.MomentQuery.XPOOL_PAIRED
                            ? net.xpool(v.vector(), kv != null ? kv : net.xpoolMusic(mu.tokens(), mu.mask()), true)
                            : null;
                    // a center-only model's width is the video's length (b's durations), as in forward
                    MadeNetwork.Detection det = net.detect(v, mu, pooled,
                            c.predictCenter() ? net.videoWidth(b.inputs()) : null, TrainForward.decoder(net), true);
                    List<LayerOutput> lo = new ArrayList<>();
                    for (long l = 0; l < det.layers(); l++) {
                        lo.add(new LayerOutput(det.heads().logits().get(l), det.heads().spans().get(l),
                                det.heads().projQueries().get(l)));
                    }
                    Map<String, NDArray> terms = new LinkedHashMap<>();
                    Map<String, Double> ce = new LinkedHashMap<>();
                    NDArray l;
                    try {
                        l = criterion.localization(lo, det.projVid(), b.targets(), terms, ce);
                    } catch (IllegalArgumentException e) {
                        throw new DivergenceException("training diverged: non-finite network outputs ("
                                + e.getMessage() + ")", -1);
                    }
                    double lv = l.getFloat();
                    loc += lv * share;
                    for (Map.Entry<String, NDArray> e : terms.entrySet()) {
                        termSums.merge(e.getKey(), (double) e.getValue().getFloat() * share, Double::sum);
                    }
                    for (Map.Entry<String, Double> e : ce.entrySet()) {
                        termSums.merge(e.getKey(), e.getValue() * share, Double::sum);
                    }
                    NDIndex rows = new NDIndex(from + ":" + to);
                    NDArray surrogate = Ops.mul(l, (float) (criterion.weights().localization() * share))
                            .add(v.vector().mul(gV.get(rows)).sum())
                            .add(mu.vector().mul(gM.get(rows)).sum());
                    if (kv != null) {
                        surrogate = surrogate.add(kv.tokens().mul(gK.get(rows)).sum());
                    }
                    gc.backward(surrogate);
                }
            }
            out.put("loss_localization", loc);
            out.put("loss_total", criterion.weights().retrieval() * (dualV + singleV)
                    + criterion.weights().localization() * loc);
            Map<String, Double> ordered = new LinkedHashMap<>();
            ordered.put("loss_total", out.get("loss_total"));
            ordered.putAll(out);
            ordered.putAll(termSums);
            return ordered;
        }
    }

    /**
     * Rows {@code from..to} of the single-score matrix [videos, musics]: X-Pool of every music of the batch for these
     * videos, with the slice's own X-Pool dropout seed. Memory: (to − from) × B × d per intermediate, not B² × d.
     * Recorded by autograd only inside a gradient collector.
     */
    private static NDArray singleScores(MadeNetwork net, Engine engine, NDArray vAll, XPool.Music kvAll,
            int from, int to, int seed, int k) {
        Ops.seedRandom(engine, sliceSeed(seed, -2 - k));
        // intermediates in a sub-manager closed on return (autograd keeps what its backward needs)
        return NativeMemory.scoped(x -> {
            NDArray v = x[0].get(new NDIndex(from + ":" + to));
            NDArray pooled = net.xpool(v, new XPool.Music(x[1], x[2]), true); // [B_musics, to-from, d]
            return MadeNetwork.singleSimilarity(v, pooled); // [to - from, B_musics]
        }, vAll, kvAll.tokens(), kvAll.mask());
    }

    private static int sliceSeed(int stepSeed, int k) {
        long z = stepSeed * 0x9E3779B97F4A7C15L + (k + 7L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 29)) & 0x7fffffff);
    }
}
