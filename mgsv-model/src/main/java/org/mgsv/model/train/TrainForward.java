package org.mgsv.model.train;

import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
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

    /** The same outputs as {@link MadeNetwork#forward} (memory included); the network's own when not applicable. */
    public static MadeOutput forward(MadeNetwork net, MadeInputs in, boolean training) {
        return net.forward(in, training, decoder(net));
    }

    /** The decoder for training: {@link FastDecoder} when it {@link #applies}, else the network's. */
    static MadeNetwork.Decoder decoder(MadeNetwork net) {
        return applies(net.config()) ? new FastDecoder(net.params())::decode : net::detrDecode;
    }
}
