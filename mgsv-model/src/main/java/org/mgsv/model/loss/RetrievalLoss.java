package org.mgsv.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.mgsv.model.Ops;

/**
 * Symmetric InfoNCE of a [B, B] similarity matrix (rows = videos, columns = musics, diagonal = positives):
 * L(S) = ½·(mean over rows of CE(S·e^τ, diag) + mean over columns of CE(S·e^τ, diag)).
 * Repeated music ids in a batch are not masked (as the reference, which never passes ids to its loss).
 * The formula is symmetric, so L(S) = L(Sᵀ) and the orientation of S does not matter.
 */
public final class RetrievalLoss {
    private RetrievalLoss() {}

    /**
     * @param sim        [B, B] similarities
     * @param logitScale scalar τ (log of the inverse temperature), learnable
     */
    public static NDArray of(NDArray sim, NDArray logitScale) {
        long b = sim.getShape().get(0);
        if (sim.getShape().dimension() != 2 || sim.getShape().get(1) != b) {
            throw new IllegalArgumentException("similarity matrix must be square, got " + sim.getShape());
        }
        NDManager m = sim.getManager();
        NDArray scale = logitScale.exp();
        scale.attach(m); // else it stays with the parameter's long-lived manager, one array per call
        NDArray logits = sim.mul(scale);
        NDArray eye = m.eye((int) b).toType(logits.getDataType(), false);
        NDArray rows = logits.logSoftmax(1).mul(eye).sum();
        NDArray cols = logits.logSoftmax(0).mul(eye).sum();
        return Ops.div(rows.add(cols), -2.0f * b);
    }
}
