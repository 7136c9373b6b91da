package org.mgsv.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.model.NativeMemory;
import org.mgsv.model.Ops;

/**
 * MaDe's training loss (specification §3): retrieval (dual + single InfoNCE sharing τ) plus localization, the
 * DETR set criterion summed over the last decoder layer and every auxiliary layer. All terms are differentiable
 * NDArray expressions; matching runs on host copies (it is not differentiated, as in the reference).
 */
public final class MadeCriterion {
    /** Loss weights and constants; {@link #reference()} are the reference values. */
    public record Weights(
            double span, double giou, double label, double align, double eosCoef, double temperature,
            double retrieval, double localization) {
        public static Weights reference() {
            return new Weights(4, 1, 0.8, 0.2, 0.1, 0.07, 1.0, 1.0);
        }
    }

    private static final int FOREGROUND = 0;
    private static final int BACKGROUND = 1;

    private final Weights w;
    private final HungarianMatcher matcher;

    public MadeCriterion(Weights w, HungarianMatcher matcher) {
        this.w = w;
        this.matcher = matcher;
    }

    public static MadeCriterion reference() {
        return new MadeCriterion(Weights.reference(), HungarianMatcher.reference());
    }

    public Weights weights() {
        return w;
    }

    /**
     * @param dualSim    [B, B] cosine of clip and music vectors (null: not used by the configuration)
     * @param singleSim  [B, B] X-Pool similarity (null: not used)
     * @param logitScale scalar τ
     * @param layers     decoder layers in order 0..L−1; the last one is the main output, the others auxiliary
     *                   (named {@code _0 .. _(L−2)})
     * @param projVid    [B, F, D] normalised frame projections for the alignment term, or {@code null}
     * @param targets    [B, T, 2] target (center, width), width 0 = padding (a constant)
     */
    public Losses compute(NDArray dualSim, NDArray singleSim, NDArray logitScale, List<LayerOutput> layers,
            NDArray projVid, NDArray targets) {
        if (dualSim == null && singleSim == null) {
            throw new IllegalArgumentException("no similarity matrix");
        }
        NDManager mm = (dualSim != null ? dualSim : singleSim).getManager();
        // a configuration may score with one of the two matrices only; the other term is then 0
        NDArray dual = dualSim != null ? RetrievalLoss.of(dualSim, logitScale) : mm.zeros(new Shape());
        NDArray single = singleSim != null ? RetrievalLoss.of(singleSim, logitScale) : mm.zeros(new Shape());
        NDArray retrieval = dual.add(single);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        Map<String, Double> classError = new LinkedHashMap<>();
        NDArray loc = localization(layers, projVid, targets, terms, classError);
        NDArray total = Ops.mul(retrieval, (float) w.retrieval()).add(Ops.mul(loc, (float) w.localization()));
        return new Losses(total, retrieval, dual, single, loc, terms, classError);
    }

    /**
     * The localization loss alone (Σ over decoder layers), filling {@code terms} and {@code classError}. Every
     * term is a mean over the batch's pairs, so for a slice of b pairs of a batch of B the slice's value times
     * b / B is its share of the batch's loss.
     */
    public NDArray localization(List<LayerOutput> layers, NDArray projVid, NDArray targets,
            Map<String, NDArray> terms, Map<String, Double> classError) {
        float[][][] tgt = to3d(targets);
        NDArray loc = null;
        int last = layers.size() - 1;
        // the reference lists the last layer's terms first, then the auxiliary layers'
        for (int order = 0; order < layers.size(); order++) {
            int l = order == 0 ? last : order - 1;
            String suffix = l == last ? "" : "_" + l;
            NDArray layerLoss = layerLoss(layers.get(l), projVid, targets, tgt, suffix, terms, classError);
            loc = loc == null ? layerLoss : loc.add(layerLoss);
        }
        return loc;
    }

    private NDArray layerLoss(LayerOutput out, NDArray projVid, NDArray targets, float[][][] tgt, String suffix,
            Map<String, NDArray> terms, Map<String, Double> classError) {
        NDManager m = out.predSpans().getManager();
        Shape ls = out.predLogits().getShape();
        int b = (int) ls.get(0);
        int q = (int) ls.get(1);
        int c = (int) ls.get(2);
        float[][][] logits = to3d(out.predLogits());
        float[][][] spans = to3d(out.predSpans());
        HungarianMatcher.Match[] match = matcher.match(logits, spans, tgt);
        int n = 0;
        boolean identity = true; // every query i of element i matched to target 0, in order
        for (int i = 0; i < b; i++) {
            n += match[i].queries().length;
            identity &= q == 1 && match[i].queries().length == 1 && match[i].targets()[0] == 0;
        }
        // matched predicted spans [n, 2] and their targets
        NDArray flatSpans = out.predSpans().reshape(b * q, 2);
        NDArray src;
        float[] tv = new float[n * 2];
        if (identity) {
            src = flatSpans;
        } else {
            float[] sel = new float[n * b * q];
            int k = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < match[i].queries().length; j++, k++) {
                    sel[k * b * q + i * q + match[i].queries()[j]] = 1f;
                }
            }
            src = NativeMemory.owned(m, sel, new Shape(n, (long) b * q)).matMul(flatSpans);
        }
        for (int i = 0, k = 0; i < b; i++) {
            for (int j = 0; j < match[i].targets().length; j++, k++) {
                tv[2 * k] = tgt[i][match[i].targets()[j]][0];
                tv[2 * k + 1] = tgt[i][match[i].targets()[j]][1];
            }
        }
        NDArray dst = NativeMemory.owned(m, tv, new Shape(n, 2));
        NDArray lossSpan = src.sub(dst).abs().mean();
        NDArray sc = src.get(":, 0");
        NDArray sw = Ops.mul(src.get(":, 1"), 0.5f);
        NDArray s1 = sc.sub(sw);
        NDArray e1 = sc.add(sw);
        NDArray dc = dst.get(":, 0");
        NDArray dw = Ops.mul(dst.get(":, 1"), 0.5f);
        NDArray s2 = dc.sub(dw);
        NDArray e2 = dc.add(dw);
        NDArray inter = e1.minimum(e2).sub(s1.maximum(s2)).clip(0f, Float.MAX_VALUE);
        NDArray union = e1.sub(s1).add(e2.sub(s2)).sub(inter);
        NDArray enclosing = e1.maximum(e2).sub(s1.minimum(s2)).clip(0f, Float.MAX_VALUE);
        NDArray giou = inter.div(union).sub(enclosing.sub(union).div(enclosing));
        NDArray lossGiou = giou.neg().add(1f).mean();

        // weighted class cross-entropy: target foreground for matched queries, background otherwise
        float[] wt = new float[b * q * c];
        boolean[] matched = new boolean[b * q];
        for (int i = 0; i < b; i++) {
            for (int qq : match[i].queries()) {
                matched[i * q + qq] = true;
            }
        }
        int correct = 0;
        for (int i = 0; i < b * q; i++) {
            int cls = matched[i] ? FOREGROUND : BACKGROUND;
            wt[i * c + cls] = (float) (cls == BACKGROUND ? w.eosCoef() : 1.0);
            if (matched[i]) {
                float[] lg = logits[i / q][i % q];
                int top = 0;
                for (int k = 1; k < c; k++) {
                    if (lg[k] > lg[top]) {
                        top = k;
                    }
                }
                correct += top == FOREGROUND ? 1 : 0;
            }
        }
        NDArray weights = NativeMemory.owned(m, wt, ls);
        NDArray lossLabel = Ops.div(out.predLogits().logSoftmax(2).mul(weights).sum(), -(float) (b * q));
        double classErr = 100.0 - (n == 0 ? 0.0 : 100.0 * correct / n);

        NDArray lossAlign;
        if (out.projQueries() == null || projVid == null) {
            if (q != 1) {
                throw new IllegalArgumentException("alignment projections are required with more than one query");
            }
            lossAlign = m.zeros(new Shape(), DataType.FLOAT32);
        } else {
            // logits[b,q] = Σ_f <pq[b,q], pv[b,f]> / T = <pq[b,q], Σ_f pv[b,f]> / T (all frames, as the reference)
            NDArray vsum = projVid.sum(new int[] {1}, true); // [B,1,D]
            NDArray al = Ops.div(out.projQueries().batchMatMul(vsum.transpose(0, 2, 1)).reshape(b, q),
                    (float) w.temperature());
            float[] pos = new float[b * q];
            for (int i = 0; i < b; i++) {
                int np = match[i].queries().length;
                for (int qq : match[i].queries()) {
                    pos[i * q + qq] = 1f / np;
                }
            }
            // −pos_term/num_pos + logsumexp = −Σ_q (pos/num_pos)·log_softmax, since Σ_q pos/num_pos = 1
            lossAlign = Ops.div(al.logSoftmax(1).mul(NativeMemory.owned(m, pos, new Shape(b, q))).sum(), -(float) b);
        }
        terms.put("loss_span" + suffix, lossSpan);
        terms.put("loss_giou" + suffix, lossGiou);
        terms.put("loss_label" + suffix, lossLabel);
        terms.put("loss_contrastive_align" + suffix, lossAlign);
        classError.put("class_error" + suffix, classErr);
        return Ops.mul(lossSpan, (float) w.span())
                .add(Ops.mul(lossGiou, (float) w.giou()))
                .add(Ops.mul(lossLabel, (float) w.label()))
                .add(Ops.mul(lossAlign, (float) w.align()));
    }

    static float[][][] to3d(NDArray a) {
        Shape s = a.getShape();
        int d0 = (int) s.get(0);
        int d1 = (int) s.get(1);
        int d2 = (int) s.get(2);
        float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
        float[][][] out = new float[d0][d1][d2];
        for (int i = 0; i < d0; i++) {
            for (int j = 0; j < d1; j++) {
                System.arraycopy(f, (i * d1 + j) * d2, out[i][j], 0, d2);
            }
        }
        return out;
    }
}
