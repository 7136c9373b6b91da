package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.Ops;
import org.mgsv.model.eval.FastDecoder;

/**
 * The network's forward pass for training, with the DETR decoder rewritten for one moment query by
 * {@link FastDecoder} (the L = F + S memory tokens are never projected by the cross-attention's key and value
 * matrices; exact algebra, the reference's dropout semantics and random draws kept). Everything else is
 * {@link MadeNetwork}'s. {@code TrainForwardTest} checks values and gradients against {@link MadeNetwork#forward}
 * with dropout off.
 */
public final class TrainForward {
    private TrainForward() {}

    /** True when the rewritten decoder applies (one moment query, no center-only prediction). */
    public static boolean applies(MadeConfig c) {
        return c.numMomentQueries() == 1 && !c.predictCenter();
    }

    /** The same outputs as {@link MadeNetwork#forward} (memory included); falls back to it when not applicable. */
    public static MadeOutput forward(MadeNetwork net, MadeInputs in, boolean training) {
        MadeConfig c = net.config();
        if (!applies(c)) {
            return net.forward(in, training);
        }
        MadeNetwork.Encoded v = net.encodeVideo(in.frameFeats(), in.frameMasks(), training);
        MadeNetwork.Encoded mu = net.encodeMusic(in.segmentFeats(), in.segmentMasks(), training);
        boolean needPooled = c.retrievalScore().usesSingle() || c.momentQuery().usesXPool();
        NDArray pooled = needPooled ? net.xpool(v.vector(), mu.tokens(), mu.mask(), training) : null;
        NDArray dual = c.retrievalScore().usesDual() ? MadeNetwork.dualSimilarity(v.vector(), mu.vector()) : null;
        NDArray single = c.retrievalScore().usesSingle() ? MadeNetwork.singleSimilarity(v.vector(), pooled) : null;
        NDArray sim = switch (c.retrievalScore()) {
            case DUAL -> dual;
            case SINGLE -> single;
            case BOTH -> dual.add(single);
        };
        Detected det = detect(net, v, mu, pooled, training);
        return new MadeOutput(v.tokens(), mu.tokens(), v.vector(), mu.vector(), pooled, dual, single, sim,
                det.memory, det.hidden, det.heads.logits(), det.heads.spans(), det.heads.projQueries(), det.projVid,
                det.heads.logits().get(det.layers - 1), det.heads.spans().get(det.layers - 1));
    }

    /** Detection outputs of encoded pairs. */
    record Detected(NDArray memory, NDArray hidden, MadeNetwork.Heads heads, NDArray projVid, long layers) {}

    static Detected detect(MadeNetwork net, MadeNetwork.Encoded v, MadeNetwork.Encoded mu, NDArray pooled,
            boolean training) {
        MadeParams p = net.params();
        NDArray target = net.initialQueries(v.vector(), mu.vector(), pooled);
        MadeNetwork.DetrMemory mem = net.detrEncode(v.tokens(), v.mask(), mu.tokens(), mu.mask(), training);
        NDArray hidden = new FastDecoder(p).decode(mem, target, training);
        MadeNetwork.Heads h = net.heads(hidden, null);
        NDArray projVid = Ops.l2normalize(Ops.linear(v.tokens(), p.get("contrastive_align_projection_vid.weight"),
                p.get("contrastive_align_projection_vid.bias")));
        return new Detected(mem.memory(), hidden, h, projVid, hidden.getShape().get(0));
    }
}
