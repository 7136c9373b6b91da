package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgsv.search.RandomFeatures.feats;
import static org.mgsv.search.RandomFeatures.mask;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mgsv.core.util.Threads;
import org.mgsv.search.GroundingModel.EncodedMusic;
import org.mgsv.search.GroundingModel.EncodedVideo;
import org.mgsv.search.GroundingModel.Span;
import org.mgsv.search.catalog.TrackRecord;

/**
 * The contract every {@link GroundingModel} keeps, what indexing, shortlists and rescoring rely on: tower outputs
 * of the declared shapes with zero tokens in padded slots and unit pooled vectors, one score and one span per track
 * whatever the list around it, scores that are cosines, spans in units of {@link GroundingModel#maxMusicSeconds()}
 * with a probability, and concurrent calls that give what sequential calls give.
 */
public abstract class GroundingModelTestCase {
    protected GroundingModel model;

    /** A fresh model (closed after each test). */
    protected abstract GroundingModel create();

    @BeforeEach
    void open() {
        model = create();
    }

    @AfterEach
    void close() {
        model.close();
    }

    private EncodedVideo video(long seed) {
        int f = model.frameSlots();
        int valid = Math.max(1, f / 2 + (int) (seed % Math.max(1, f / 2)));
        return model.encodeVideo(feats(new Random(seed), f, model.frameFeatureDim(), valid), mask(f, valid));
    }

    private TrackRecord track(String id, long seed) {
        int s = model.segmentSlots();
        int valid = Math.max(1, s / 3 + (int) (seed % Math.max(1, s / 2)));
        EncodedMusic e = model.encodeMusic(feats(new Random(seed), s, model.segmentFeatureDim(), valid), mask(s, valid));
        return TrackRecord.builder(id).durationSeconds(100).vectors(e.tokens(), e.mask(), e.h0()).build();
    }

    private List<TrackRecord> tracks(int n) {
        List<TrackRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(track("t" + i, 100 + i));
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private void checkTokens(float[][] tokens, float[] mask, int slots, String what) {
        assertEquals(slots, tokens.length, what + " token rows");
        for (int i = 0; i < slots; i++) {
            assertEquals(model.dim(), tokens[i].length, what + " token size");
            if (mask[i] == 0) {
                assertEquals(0.0, norm(tokens[i]), 0.0, what + ": padded slot " + i + " is not zero");
            }
        }
    }

    @Test
    void towersGiveTheDeclaredShapesAndUnitVectors() {
        assertTrue(model.dim() > 0 && model.frameSlots() > 0 && model.segmentSlots() > 0);
        assertTrue(model.maxMusicSeconds() > 0);
        assertTrue(model.usesDual() || model.usesSingle(), "a retrieval score needs one of its terms");
        assertTrue(!model.name().isBlank());
        EncodedVideo v = video(1);
        checkTokens(v.tokens(), v.mask(), model.frameSlots(), "video");
        assertEquals(model.dim(), v.hv().length);
        assertEquals(1.0, norm(v.hv()), 1e-5, "|h(v)|");
        TrackRecord t = track("a", 2);
        checkTokens(t.tokens(), t.mask(), model.segmentSlots(), "music");
        assertEquals(1.0, norm(t.h0()), 1e-5, "|h0|");
    }

    @Test
    void theTowersAreDeterministic() {
        assertArrayEquals(video(3).hv(), video(3).hv());
        assertArrayEquals(track("a", 4).h0(), track("a", 4).h0());
    }

    @Test
    void scoresAreCosinesOnePerTrackWhateverTheList() {
        EncodedVideo v = video(5);
        List<TrackRecord> ts = tracks(4);
        float[] all = model.scoreSingle(v.hv(), ts);
        assertEquals(ts.size(), all.length);
        for (int i = 0; i < all.length; i++) {
            assertTrue(all[i] >= -1 - 1e-5 && all[i] <= 1 + 1e-5, "score " + all[i] + " is not a cosine");
            float alone = model.scoreSingle(v.hv(), List.of(ts.get(i)))[0];
            assertEquals(alone, all[i], 1e-6, "track " + i + " alone and in the list");
        }
        assertEquals(0, model.scoreSingle(v.hv(), List.of()).length);
    }

    @Test
    void spansAreNormalisedProbabilitiesOnePerTrackWhateverTheList() {
        EncodedVideo v = video(6);
        List<TrackRecord> ts = tracks(3);
        Span[] all = model.detectMoments(v, ts);
        assertEquals(ts.size(), all.length);
        for (int i = 0; i < all.length; i++) {
            Span s = all[i];
            assertTrue(s.center() >= 0 && s.center() <= 1, "center " + s.center());
            assertTrue(s.width() > 0 && s.width() <= 1, "width " + s.width());
            assertTrue(s.score() >= 0 && s.score() <= 1, "score " + s.score());
            Span alone = model.detectMoments(v, List.of(ts.get(i)))[0];
            assertEquals(alone.center(), s.center(), 1e-6, "center of track " + i + " alone and in the list");
            assertEquals(alone.width(), s.width(), 1e-6, "width of track " + i);
            assertEquals(alone.score(), s.score(), 1e-6, "score of track " + i);
        }
        assertEquals(0, model.detectMoments(v, List.of()).length);
    }

    @Test
    void concurrentCallsGiveWhatSequentialCallsGive() throws Exception {
        List<TrackRecord> ts = tracks(3);
        int n = 6;
        float[][] wantScores = new float[n][];
        Span[][] wantSpans = new Span[n][];
        for (int q = 0; q < n; q++) {
            EncodedVideo v = video(20 + q);
            wantScores[q] = model.scoreSingle(v.hv(), ts);
            wantSpans[q] = model.detectMoments(v, ts);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3, Threads.daemonFactory("contract"));
        try {
            List<Future<Object[]>> fs = new ArrayList<>();
            for (int q = 0; q < n; q++) {
                int qq = q;
                fs.add(pool.submit(() -> {
                    EncodedVideo v = video(20 + qq);
                    return new Object[] {model.scoreSingle(v.hv(), ts), model.detectMoments(v, ts)};
                }));
            }
            for (int q = 0; q < n; q++) {
                Object[] got = fs.get(q).get();
                assertArrayEquals(wantScores[q], (float[]) got[0], "scores of query " + q);
                assertArrayEquals(wantSpans[q], (Span[]) got[1], "spans of query " + q);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
