package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.metrics.MomentIou;
import org.mgsv.core.metrics.QueryOutcome;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.NativeMemory;
import org.mgsv.model.eval.MsgEvaluator;
import org.mgsv.model.eval.MsgResult;
import org.mgsv.model.eval.PairSource;

/**
 * Validation pass of a training run (eval mode) with the streamed MsG evaluator: every video ranked against
 * every distinct track of the split (dual + single score, music-id de-duplication), the moment predicted in the
 * ground-truth track, then the reference's metrics ({@link Scorer}). Memory is bounded by the chunk sizes.
 */
public final class Validator {
    private Validator() {}

    /** The metrics and the evaluator's per-query results. */
    public record Result(Map<String, Double> metrics, MsgResult msg, double[] ious) {}

    public static Result evaluate(MadeNetwork net, List<TrainPair> pairs, FeatureSource src, int batch,
            NDManager parent) {
        MadeConfig c = net.config();
        MsgEvaluator ev = new MsgEvaluator(net, new MsgEvaluator.Options(batch, batch, 1024, 0, false));
        MsgResult r = ev.evaluate(new Source(pairs, src, c));
        int n = pairs.size();
        double[] ious = new double[n];
        List<QueryOutcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TrainPair p = pairs.get(i);
            float iou = MomentIou.iou(p.musicStart(), p.musicEnd(), p.musicDuration(), r.predStart()[i],
                    r.predEnd()[i]);
            ious[i] = iou;
            outcomes.add(QueryOutcome.ranked(r.rank0()[i], iou));
        }
        Map<String, Double> metrics = new LinkedHashMap<>(Scorer.scoreOutcomes(outcomes).values());
        return new Result(metrics, r, ious);
    }

    /** The pairs as the evaluator reads them. */
    private static final class Source implements PairSource {
        private final List<TrainPair> pairs;
        private final FeatureSource src;
        private final MadeConfig c;

        Source(List<TrainPair> pairs, FeatureSource src, MadeConfig c) {
            this.pairs = pairs;
            this.src = src;
            this.c = c;
        }

        @Override
        public int size() {
            return pairs.size();
        }

        @Override
        public String musicId(int row) {
            return pairs.get(row).musicId();
        }

        @Override
        public NDArray[] videos(NDManager m, int[] rows) {
            return read(m, rows, true);
        }

        @Override
        public NDArray[] musics(NDManager m, int[] rows) {
            return read(m, rows, false);
        }

        private NDArray[] read(NDManager m, int[] rows, boolean video) {
            int slots = video ? c.frameSlots() : c.segmentSlots();
            int dim = video ? c.frameFeatDim() : c.segmentFeatDim();
            // host buffers as StorePairs uses them (copied into native memory before returning)
            float[] v = NativeMemory.hostBuffer(video ? 0 : 2, rows.length * slots * dim);
            float[] mk = NativeMemory.hostBuffer(video ? 1 : 3, rows.length * slots);
            for (int i = 0; i < rows.length; i++) {
                TrainPair p = pairs.get(rows[i]);
                String id = video ? p.videoId() : p.musicId();
                PairBatch.copyRow(video ? src.video(id) : src.music(id), slots, dim, (video ? "video " : "music ") + id,
                        v, mk, i);
            }
            return new NDArray[] {NativeMemory.owned(m, v, new Shape(rows.length, slots, dim)),
                NativeMemory.owned(m, mk, new Shape(rows.length, slots))};
        }

        @Override
        public float[] videoDurations(int[] rows) {
            float[] d = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                d[i] = (float) pairs.get(rows[i]).videoDuration();
            }
            return d;
        }
    }
}
