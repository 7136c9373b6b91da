package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgsv.search.RandomFeatures.feats;
import static org.mgsv.search.RandomFeatures.mask;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mgsv.search.catalog.InMemoryCatalogStore;
import org.mgsv.search.catalog.TrackRecord;

class SearcherTest {
    @Test
    void ranksByDualPlusSingleAndFitsMomentToVideo() {
        SyntheticGroundingModel model = new SyntheticGroundingModel(32, 10, 24, 12, 20, 3);
        InMemoryCatalogStore store = new InMemoryCatalogStore(32, 12);
        Random r = new Random(9);
        for (int i = 0; i < 60; i++) {
            GroundingModel.EncodedMusic m = model.encodeMusic(feats(r, 12, 20, 12), mask(12, 12));
            store.add(TrackRecord.builder("t" + i).title("T" + i).artist("A").durationSeconds(30.0)
                    .vectors(m.tokens(), m.mask(), m.h0()).beats(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, null)
                    .build());
        }
        GroundingModel.EncodedVideo v = model.encodeVideo(feats(r, 10, 24, 6), mask(10, 6));
        try (Searcher s = Searcher.build(store, model, Searcher.Kind.EXACT, 1, t -> null)) {
            List<GroundingResult> all = s.search(v, 6.0, new Searcher.Options(60, 60, false));
            assertEquals(60, all.size());
            // exhaustive: scores are dual + single and sorted
            for (int i = 0; i < all.size(); i++) {
                GroundingResult g = all.get(i);
                assertEquals(g.dualScore() + g.singleScore(), g.score(), 1e-6);
                TrackRecord t = store.get(g.trackId()).orElseThrow();
                assertEquals(VecMath.dot(v.hv(), t.h0()), g.dualScore(), 1e-5);
                assertEquals(model.scoreSingle(v.hv(), List.of(t))[0], g.singleScore(), 1e-6);
                if (i > 0) {
                    assertTrue(all.get(i - 1).score() >= g.score());
                }
                assertEquals(6.0, g.moment().length(), 1e-9);
                assertTrue(g.moment().start() >= 0 && g.moment().end() <= 30.0 + 1e-9);
            }
            // the two-stage result with a shortlist is the exhaustive ranking's head here
            List<GroundingResult> top = s.search(v, 6.0, new Searcher.Options(3, 40, true));
            assertEquals(3, top.size());
            assertEquals(all.get(0).trackId(), top.get(0).trackId());
            for (GroundingResult g : top) {
                double st = g.moment().start();
                assertEquals(Math.rint(st), st, 1e-9, "snapped to a whole-second beat");
                assertEquals(6.0, g.moment().length(), 1e-9);
            }
        }
    }
}
