package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.loss.LayerOutput;
import org.mgsv.model.loss.Losses;
import org.mgsv.model.loss.MadeCriterion;

/** Applies {@link MadeCriterion} to a network output. */
public final class TrainLoss {
    private TrainLoss() {}

    /**
     * @param out        the forward pass (training mode for training)
     * @param logitScale the {@code logit_scale} parameter
     * @param targets    [B, T, 2] normalised (center, width)
     */
    public static Losses compute(MadeCriterion criterion, MadeOutput out, NDArray logitScale, NDArray targets) {
        long layers = out.decoderLayers();
        List<LayerOutput> ls = new ArrayList<>();
        for (long l = 0; l < layers; l++) {
            NDArray pq = out.layerProjQueries() == null ? null : out.layerProjQueries().get(l);
            ls.add(new LayerOutput(out.layerLogits().get(l), out.layerSpans().get(l), pq));
        }
        return criterion.compute(out.dualSim(), out.singleSim(), logitScale, ls, out.projVid(), targets);
    }
}
