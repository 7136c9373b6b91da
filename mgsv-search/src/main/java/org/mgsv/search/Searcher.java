package org.mgsv.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.mgsv.search.MomentSpans.TimeSpan;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.H0Matrix;
import org.mgsv.search.catalog.TrackInfo;
import org.mgsv.search.catalog.TrackRecord;

/**
 * Two-stage grounding over a catalog: (1) the shortlist index gives the K tracks with the highest dual score
 * cos(h(v), h0); (2) those are rescored with the full MaDe score p_s = dual + single (X-Pool) and the best
 * {@code top} get moment detection. Thread-safe when the model is.
 */
public final class Searcher implements AutoCloseable {
    /** Default shortlist size K. */
    public static final int DEFAULT_SHORTLIST = 100;

    private final CatalogStore store;
    private final GroundingModel model;
    private final ShortlistIndex index;
    private final List<String> rowIds;
    private final Function<TrackInfo, double[][]> beatSource;

    /** Which shortlist index to build. */
    public enum Kind { EXACT, EXACT_INT8, HNSW }

    /**
     * @param beatSource computes {beats, downbeats} for a track whose catalog record has none, when
     *     {@code --snap beats} is asked (may return null)
     */
    public Searcher(CatalogStore store, GroundingModel model, ShortlistIndex index, List<String> rowIds,
            Function<TrackInfo, double[][]> beatSource) {
        this.store = store;
        this.model = model;
        this.index = index;
        this.rowIds = List.copyOf(rowIds);
        this.beatSource = beatSource == null ? t -> null : beatSource;
    }

    /** Builds the shortlist index over the store's current tracks. */
    public static Searcher build(CatalogStore store, GroundingModel model, Kind kind, int threads,
            Function<TrackInfo, double[][]> beatSource) {
        if (store.dim() != model.dim() || store.segments() != model.segmentSlots()) {
            throw new org.mgsv.core.MgsvException("catalog holds " + store.segments() + "x" + store.dim()
                    + " tokens but the model " + model.name() + " uses " + model.segmentSlots() + "x" + model.dim()
                    + ": re-index the catalog with this model");
        }
        H0Matrix m = store.h0Matrix();
        ShortlistIndex idx = switch (kind) {
            case EXACT -> ExactShortlist.build(m, ExactShortlist.Precision.FLOAT32, threads);
            case EXACT_INT8 -> ExactShortlist.build(m, ExactShortlist.Precision.INT8, threads);
            case HNSW -> HnswShortlist.build(m);
        };
        return new Searcher(store, model, idx, m.ids(), beatSource);
    }

    public ShortlistIndex index() {
        return index;
    }

    public GroundingModel model() {
        return model;
    }

    public CatalogStore store() {
        return store;
    }

    /** Search options: results wanted, shortlist size K, whether to snap moments to beats. */
    public record Options(int top, int shortlist, boolean snapBeats) {
        public Options {
            if (top < 1) {
                throw new IllegalArgumentException("top must be >= 1");
            }
            shortlist = Math.max(shortlist, top);
        }

        public static Options defaults() {
            return new Options(5, DEFAULT_SHORTLIST, false);
        }
    }

    /** Stage-1 + stage-2 scores of the shortlist, best first (no moment detection). */
    public record Ranked(List<TrackRecord> tracks, float[] dual, float[] single, float[] total) {}

    public Ranked rank(float[] hv, int shortlist) {
        ShortlistIndex.Hits hits = index.search(hv, shortlist);
        List<TrackRecord> recs = new ArrayList<>(hits.size());
        List<Float> dualL = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            String id = rowIds.get(hits.rows()[i]);
            TrackRecord r = store.get(id).orElse(null);
            if (r != null) {
                recs.add(r);
                dualL.add(hits.scores()[i]);
            }
        }
        float[] single = recs.isEmpty() || !model.usesSingle() ? new float[recs.size()] : model.scoreSingle(hv, recs);
        float dualWeight = model.usesDual() ? 1f : 0f;
        Integer[] order = new Integer[recs.size()];
        float[] total = new float[recs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            total[i] = dualWeight * dualL.get(i) + single[i];
        }
        Arrays.sort(order, (a, b) -> Float.compare(total[b], total[a]));
        List<TrackRecord> outR = new ArrayList<>();
        float[] d = new float[order.length];
        float[] s = new float[order.length];
        float[] t = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            outR.add(recs.get(order[i]));
            d[i] = dualL.get(order[i]);
            s[i] = single[order[i]];
            t[i] = total[order[i]];
        }
        return new Ranked(outR, d, s, t);
    }

    /** Full search for an encoded video of {@code videoSeconds} seconds. */
    public List<GroundingResult> search(GroundingModel.EncodedVideo video, double videoSeconds, Options o) {
        Ranked r = rank(video.hv(), o.shortlist());
        int n = Math.min(o.top(), r.tracks().size());
        List<TrackRecord> top = r.tracks().subList(0, n);
        GroundingModel.Span[] spans = n == 0 ? new GroundingModel.Span[0] : model.detectMoments(video, top);
        List<GroundingResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrackRecord t = top.get(i);
            TimeSpan raw = MomentSpans.raw(spans[i], model.maxMusicSeconds());
            TimeSpan fit = MomentSpans.fitToVideo(raw, videoSeconds, t.durationSeconds());
            boolean snapped = false;
            if (o.snapBeats()) {
                double[] beats = t.beats();
                double[] downbeats = t.downbeats();
                if (beats.length == 0 && downbeats.length == 0) {
                    double[][] b = beatSource.apply(t.info());
                    if (b != null) {
                        beats = b[0];
                        downbeats = b.length > 1 ? b[1] : new double[0];
                    }
                }
                TimeSpan s = MomentSpans.snap(fit, t.durationSeconds(), beats, downbeats);
                snapped = s.start() != fit.start();
                fit = s;
            }
            out.add(new GroundingResult(i + 1, t.id(), t.title(), t.artist(), t.licence(), t.durationSeconds(),
                    r.total()[i], r.dual()[i], r.single()[i], spans[i].score(), raw, fit, snapped));
        }
        return out;
    }

    @Override
    public void close() {
        if (index instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing held that matters
            }
        }
    }
}
