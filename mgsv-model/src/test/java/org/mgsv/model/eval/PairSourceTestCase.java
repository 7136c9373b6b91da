package org.mgsv.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;

/**
 * The contract every {@link PairSource} keeps, what the streamed evaluator and validation rely on: shapes of the
 * configuration, binary masks with a valid slot in every row, float32 arrays on the caller's manager, a row
 * read alone equal to the same row read in any chunk, and one set of music features per music id. Subclasses
 * give a source of at least three rows, at least two of them sharing a music id where the source allows it.
 */
public abstract class PairSourceTestCase {
    protected NDManager manager;

    /** The configuration whose shapes the source serves. */
    protected abstract MadeConfig config();

    /** A fresh source of at least three rows. */
    protected abstract PairSource create() throws Exception;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void everyRowHasAStableMusicId() throws Exception {
        PairSource s = create();
        assertTrue(s.size() >= 3, "the suite needs three rows, got " + s.size());
        for (int r = 0; r < s.size(); r++) {
            String id = s.musicId(r);
            assertNotNull(id, "row " + r);
            assertEquals(id, s.musicId(r), "row " + r);
        }
    }

    @Test
    void arraysHaveTheConfiguredShapesOnTheCallersManager() throws Exception {
        PairSource s = create();
        MadeConfig c = config();
        int[] rows = {s.size() - 1, 0};
        try (NDManager sub = manager.newSubManager()) {
            NDArray[] v = s.videos(sub, rows);
            NDArray[] mu = s.musics(sub, rows);
            assertEquals(2, v.length);
            assertEquals(2, mu.length);
            check(v, new Shape(2, c.frameSlots(), c.frameFeatDim()), sub, "videos");
            check(mu, new Shape(2, c.segmentSlots(), c.segmentFeatDim()), sub, "musics");
        }
    }

    private static void check(NDArray[] a, Shape feats, NDManager owner, String what) {
        assertEquals(feats, a[0].getShape(), what + " features");
        assertEquals(new Shape(feats.get(0), feats.get(1)), a[1].getShape(), what + " mask");
        for (NDArray x : a) {
            assertEquals(DataType.FLOAT32, x.getDataType(), what);
            assertSame(owner, x.getManager(), what + ": arrays belong to the manager given");
        }
        float[] mask = a[1].toFloatArray();
        int slots = (int) feats.get(1);
        for (int r = 0; r < feats.get(0); r++) {
            int valid = 0;
            for (int j = 0; j < slots; j++) {
                float m = mask[r * slots + j];
                assertTrue(m == 0 || m == 1, what + " mask value " + m);
                valid += (int) m;
            }
            assertTrue(valid >= 1, what + ": row " + r + " has no valid slot");
        }
    }

    @Test
    void aRowReadsTheSameAloneAndInAnyChunk() throws Exception {
        PairSource s = create();
        int n = s.size();
        int[] chunk = {n - 1, 0, 1};
        NDArray[] v = s.videos(manager, chunk);
        NDArray[] mu = s.musics(manager, chunk);
        for (int i = 0; i < chunk.length; i++) {
            NDArray[] v1 = s.videos(manager, new int[] {chunk[i]});
            NDArray[] m1 = s.musics(manager, new int[] {chunk[i]});
            for (int k = 0; k < 2; k++) {
                assertTrue(v[k].get(i).contentEquals(v1[k].get(0)), "video row " + chunk[i] + " array " + k);
                assertTrue(mu[k].get(i).contentEquals(m1[k].get(0)), "music row " + chunk[i] + " array " + k);
            }
        }
        // and again: reads are repeatable
        assertTrue(v[0].contentEquals(s.videos(manager, chunk)[0]), "a second read differs");
    }

    @Test
    void rowsOfOneMusicIdShareItsFeatures() throws Exception {
        PairSource s = create();
        Map<String, Integer> first = new HashMap<>();
        for (int r = 0; r < s.size(); r++) {
            Integer f = first.putIfAbsent(s.musicId(r), r);
            if (f != null) {
                NDArray[] a = s.musics(manager, new int[] {f, r});
                assertTrue(a[0].get(0).contentEquals(a[0].get(1)), "rows " + f + " and " + r + " features");
                assertTrue(a[1].get(0).contentEquals(a[1].get(1)), "rows " + f + " and " + r + " mask");
            }
        }
    }

    @Test
    void hintsAndDurationsAreInRange() throws Exception {
        PairSource s = create();
        MadeConfig c = config();
        int[] all = new int[s.size()];
        for (int r = 0; r < all.length; r++) {
            all[r] = r;
            int vh = s.videoLengthHint(r);
            int mh = s.musicLengthHint(r);
            assertTrue(vh == -1 || (vh >= 0 && vh <= c.frameSlots()), "video hint " + vh + " of row " + r);
            assertTrue(mh == -1 || (mh >= 0 && mh <= c.segmentSlots()), "music hint " + mh + " of row " + r);
        }
        float[] d = s.videoDurations(all);
        if (d != null) {
            assertEquals(all.length, d.length);
            for (float x : d) {
                assertTrue(x > 0 && Float.isFinite(x), "duration " + x);
            }
        }
    }
}
