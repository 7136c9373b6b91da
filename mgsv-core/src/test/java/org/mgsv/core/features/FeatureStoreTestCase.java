package org.mgsv.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.testing.TestDatasets;

/**
 * The contract every {@link FeatureStore} must meet, run against a generated dataset: same values as written
 * (padded slots zeroed), masks intact, presence checks, id listings, clear errors for unknown ids, immutable
 * results and safe concurrent reads. An implementation's test extends this class and implements
 * {@link #open}.
 */
public abstract class FeatureStoreTestCase {
    @TempDir protected Path tmp;

    protected TestDatasets.Dataset dataset;
    protected FeatureStore store;

    /** The feature shapes the suite uses (small, so tests stay fast). */
    protected FeatureSpec spec() {
        return new FeatureSpec(50, 12, 96, 20);
    }

    /** Generates the dataset the suite reads; implementations may change options (e.g. npy files). */
    protected TestDatasets.Builder datasetOptions() {
        return TestDatasets.builder().train(5).val(3).test(2).musicPool(3).spec(spec()).seed(11);
    }

    /** Opens a store holding exactly the features of {@code ds} (using {@code work} for any files it makes). */
    protected abstract FeatureStore open(TestDatasets.Dataset ds, Path work) throws IOException;

    /** The value a store returns for a stored value (identity unless the store rounds, e.g. float16). */
    protected float stored(float v) {
        return v;
    }

    @BeforeEach
    void setUpStore() throws IOException {
        dataset = datasetOptions().write(tmp.resolve("dataset"));
        store = open(dataset, tmp.resolve("work"));
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private void assertSame(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            float e = stored(expected.getFlat(i));
            if (e != actual.getFlat(i)) {
                assertEquals(e, actual.getFlat(i), what + " at " + java.util.Arrays.toString(expected.unflatten(i)));
            }
        }
    }

    @Test
    public void returnsTheWrittenVideoFeatures() {
        assertEquals(spec(), store.spec());
        for (Map.Entry<String, VideoFeatures> e : dataset.videos().entrySet()) {
            VideoFeatures v = store.video(e.getKey());
            assertEquals(e.getKey(), v.id());
            assertSame(e.getValue().mask(), v.mask(), "mask of " + e.getKey());
            assertSame(e.getValue().feats(), v.feats(), "features of " + e.getKey());
        }
    }

    @Test
    public void returnsTheWrittenMusicFeatures() {
        for (Map.Entry<String, MusicFeatures> e : dataset.music().entrySet()) {
            MusicFeatures m = store.music(e.getKey());
            assertEquals(e.getKey(), m.id());
            assertSame(e.getValue().mask(), m.mask(), "mask of " + e.getKey());
            assertSame(e.getValue().feats(), m.feats(), "features of " + e.getKey());
        }
    }

    @Test
    public void paddedSlotsAreZeroAndValidSlotsAreNot() {
        for (String id : dataset.videos().keySet()) {
            VideoFeatures v = store.video(id);
            int valid = v.validCount();
            assertTrue(valid > 0 && valid < spec().videoSlots(), "valid frames " + valid);
            for (int s = 0; s < spec().videoSlots(); s++) {
                float norm = 0;
                for (int j = 0; j < spec().videoDim(); j++) {
                    norm += Math.abs(v.feats().get(s, j));
                }
                assertEquals(v.mask().get(s) == 0f, norm == 0f, "slot " + s + " of " + id);
            }
        }
        for (String id : dataset.music().keySet()) {
            MusicFeatures m = store.music(id);
            for (int s = 0; s < spec().musicSlots(); s++) {
                if (m.mask().get(s) == 0f) {
                    for (int j = 0; j < spec().musicDim(); j++) {
                        assertEquals(0f, m.feats().get(s, j));
                    }
                }
            }
        }
    }

    @Test
    public void presenceAndListing() {
        for (String id : dataset.videos().keySet()) {
            assertTrue(store.hasVideo(id), id);
            assertFalse(store.hasMusic(id), id);
        }
        for (String id : dataset.music().keySet()) {
            assertTrue(store.hasMusic(id), id);
            assertFalse(store.hasVideo(id), id);
        }
        assertFalse(store.hasVideo("999"));
        assertFalse(store.hasMusic("nope"));
        assertFalse(store.hasVideo("../x"));
        assertEquals(new java.util.TreeSet<>(dataset.videos().keySet()), store.videoIds());
        assertEquals(new java.util.TreeSet<>(dataset.music().keySet()), store.musicIds());
    }

    @Test
    public void unknownIdsGiveErrorsNamingIdAndStore() {
        MgsvException e = assertThrows(MgsvException.class, () -> store.video("123456"));
        assertTrue(e.getMessage().contains("123456"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        e = assertThrows(MgsvException.class, () -> store.music("4+5xmissing"));
        assertTrue(e.getMessage().contains("4+5xmissing"), e.getMessage());
    }

    @Test
    public void resultsAreReadOnly() {
        String id = dataset.videos().keySet().iterator().next();
        VideoFeatures v = store.video(id);
        assertThrows(ReadOnlyBufferException.class, () -> v.feats().data().put(0, 1f));
        float before = store.video(id).feats().getFlat(0);
        float[] copy = v.feats().toArray();
        copy[0] = before + 1;
        assertEquals(before, store.video(id).feats().getFlat(0));
    }

    @Test
    public void concurrentReadsAgree() throws Exception {
        List<String> ids = new ArrayList<>(dataset.videos().keySet());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int shift = t;
                fs.add(pool.submit(() -> {
                    for (int r = 0; r < 3; r++) {
                        for (int i = 0; i < ids.size(); i++) {
                            String id = ids.get((i + shift) % ids.size());
                            Tensor f = store.video(id).feats();
                            Tensor e = dataset.videos().get(id).feats();
                            for (int k = 0; k < e.size(); k += 7) {
                                if (f.getFlat(k) != stored(e.getFlat(k))) {
                                    return false;
                                }
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : fs) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
