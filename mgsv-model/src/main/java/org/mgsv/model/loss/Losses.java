package org.mgsv.model.loss;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every term of MaDe's training loss for one batch.
 *
 * @param total         retrieval + localization (the value to differentiate)
 * @param retrieval     dual + single
 * @param dual          L(dual cosine matrix)
 * @param single        L(X-Pool matrix)
 * @param localization  Σ over decoder layers of 4·L1 + 1·(1−gIoU) + 0.8·CE + 0.2·align
 * @param terms         unweighted criterion terms under the reference names ({@code loss_span},
 *                      {@code loss_giou}, {@code loss_label}, {@code loss_contrastive_align}, aux layers with
 *                      suffix {@code _0.._4}); scalar NDArrays attached to the graph
 * @param classError    {@code class_error} (and {@code class_error_i}): 100 − % of matched queries whose top class
 *                      is foreground; logged, not differentiated
 */
public record Losses(
        NDArray total,
        NDArray retrieval,
        NDArray dual,
        NDArray single,
        NDArray localization,
        Map<String, NDArray> terms,
        Map<String, Double> classError) {

    /** Scalar values of every term (for logging): total, retrieval, localization, terms and class errors. */
    public Map<String, Double> values() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss_total", (double) total.getFloat());
        out.put("loss_retrieval", (double) retrieval.getFloat());
        out.put("loss_retrieval_dual", (double) dual.getFloat());
        out.put("loss_retrieval_single", (double) single.getFloat());
        out.put("loss_localization", (double) localization.getFloat());
        for (Map.Entry<String, NDArray> e : terms.entrySet()) {
            out.put(e.getKey(), (double) e.getValue().getFloat());
        }
        out.putAll(classError);
        return out;
    }
}
