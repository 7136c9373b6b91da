package org.mgsv.search.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link CatalogStore} must have. Subclasses say how to create a store and how to re-open it
 * (as another process would after this one stopped, possibly without closing or committing).
 */
public abstract class CatalogStoreTestCase {
    protected static final int DIM = 16;
    protected static final int SEG = 6;

    /** A new, empty store. */
    protected abstract CatalogStore create();

    /** The same catalog opened afresh; {@code previous} may be abandoned without commit/close. */
    protected abstract CatalogStore reopen(CatalogStore previous);

    /**
     * Whether committed data survives {@link #reopen} (false for in-memory stores); a durable store's test extends
     * {@link DurableCatalogStoreTestCase}, which adds the persistence cases.
     */
    protected boolean durable() {
        return true;
    }

    public static TrackRecord track(String id, long seed) {
        Random r = new Random(seed);
        float[][] tokens = new float[SEG][DIM];
        float[] mask = new float[SEG];
        int valid = 1 + r.nextInt(SEG);
        float[] h0 = new float[DIM];
        for (int s = 0; s < valid; s++) {
            mask[s] = 1;
            for (int j = 0; j < DIM; j++) {
                tokens[s][j] = (float) r.nextGaussian();
                h0[j] += tokens[s][j];
            }
        }
        double n = 0;
        for (float v : h0) {
            n += v * v;
        }
        for (int j = 0; j < DIM; j++) {
            h0[j] /= (float) Math.sqrt(n);
        }
        return TrackRecord.builder(id).title("Title " + id).artist("Artist").licence("CC-BY-4.0")
                .durationSeconds(30 + r.nextInt(200)).sourcePath("/music/" + id + ".ogg").vectors(tokens, mask, h0)
                .beats(new double[] {0.5, 1.0, 1.5}, new double[] {0.5}).build();
    }

    @Test
    void addGetRoundTrip() {
        CatalogStore s = create();
        TrackRecord a = track("a", 1);
        TrackRecord b = track("b", 2);
        s.add(a);
        s.add(b);
        s.commit();
        assertEquals(2, s.size());
        assertEquals(a, s.get("a").orElseThrow());
        assertEquals(b, s.get("b").orElseThrow());
        assertEquals("Title a", s.info("a").orElseThrow().title());
        assertTrue(s.get("c").isEmpty());
        assertFalse(s.contains("c"));
        assertEquals(List.of("a", "b"), s.ids());
    }

    @Test
    void stagedChangesAreVisibleBeforeCommit() {
        CatalogStore s = create();
        s.add(track("a", 1));
        assertTrue(s.contains("a"));
        assertEquals(1, s.size());
        s.commit();
        assertTrue(s.remove("a"));
        assertFalse(s.contains("a"));
        assertEquals(0, s.size());
    }

    @Test
    void sizeCountsStagedReplacementsAndRemovals() {
        CatalogStore s = create();
        s.add(track("a", 1));
        s.add(track("b", 2));
        s.commit();
        s.add(track("a", 3));
        assertEquals(2, s.size());
        s.remove("a");
        assertEquals(1, s.size());
        s.add(track("c", 4));
        s.add(track("c", 5));
        assertEquals(2, s.size());
        s.remove("b");
        assertEquals(List.of("c"), s.ids());
        assertEquals(1, s.size());
        s.commit();
        assertEquals(1, s.size());
    }

    @Test
    void addingExistingIdReplaces() {
        CatalogStore s = create();
        s.add(track("a", 1));
        s.commit();
        s.add(track("a", 7));
        s.commit();
        assertEquals(1, s.size());
        assertEquals(track("a", 7), s.get("a").orElseThrow());
        if (durable()) {
            CatalogStore t = reopen(s);
            assertEquals(1, t.size());
            assertEquals(track("a", 7), t.get("a").orElseThrow());
        }
    }

    @Test
    void removeUnknownIsFalse() {
        CatalogStore s = create();
        assertFalse(s.remove("nope"));
    }

    @Test
    void h0MatrixRowsMatchIds() {
        CatalogStore s = create();
        for (int i = 0; i < 20; i++) {
            s.add(track("t" + i, i));
        }
        s.commit();
        s.remove("t3");
        s.add(track("t20", 20));
        H0Matrix m = s.h0Matrix();
        assertEquals(s.ids(), m.ids());
        assertEquals(20, m.rows());
        float[] row = new float[DIM];
        for (int i = 0; i < m.rows(); i++) {
            assertArrayEquals(s.get(m.ids().get(i)).orElseThrow().h0(), m.row(i, row));
        }
    }

    @Test
    void compactionKeepsLiveTracks() {
        CatalogStore s = create();
        for (int i = 0; i < 10; i++) {
            s.add(track("t" + i, i));
            s.commit();
        }
        for (int i = 0; i < 10; i += 2) {
            s.remove("t" + i);
        }
        s.commit();
        s.compact();
        assertEquals(List.of("t1", "t3", "t5", "t7", "t9"), s.ids());
        assertEquals(track("t5", 5), s.get("t5").orElseThrow());
        if (durable()) {
            CatalogStore t = reopen(s);
            assertEquals(List.of("t1", "t3", "t5", "t7", "t9"), t.ids());
            assertEquals(track("t9", 9), t.get("t9").orElseThrow());
        }
    }

    @Test
    void rejectsWrongShapeAndBadIds() {
        CatalogStore s = create();
        TrackRecord a = track("a", 1);
        TrackRecord wrong = TrackRecord.builder("w").durationSeconds(1)
                .vectors(new float[SEG][DIM + 1], new float[SEG], new float[DIM + 1]).build();
        assertThrows(IllegalArgumentException.class, () -> s.add(wrong));
        assertThrows(IllegalArgumentException.class, () -> TrackRecord.builder("../etc").durationSeconds(1)
                .vectors(a.tokens(), a.mask(), a.h0()).build());
    }
}
