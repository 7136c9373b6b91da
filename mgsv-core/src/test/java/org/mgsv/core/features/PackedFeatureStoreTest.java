package org.mgsv.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mgsv.core.MgsvException;
import org.mgsv.core.testing.TestDatasets;

/** The contract over a float32 packed store, with mapping windows small enough to hold only a few records. */
class PackedFeatureStoreTest extends FeatureStoreTestCase {
    /** 3 music records (96·21·4 = 8064 bytes each) per window: forces window changes and padding. */
    static final long WINDOW = 3 * 8128 + 64;

    static void pack(TestDatasets.Dataset ds, Path target, PackedFeatureStore.Precision p, long window) {
        try (DirectoryFeatureStore src = ds.featureStore()) {
            PackedFeatureStore.write(target, ds.spec(), p, window, (w, dir) -> {
                for (String id : src.videoIds()) {
                    w.addVideo(src.video(id));
                }
                for (String id : src.musicIds()) {
                    w.addMusic(src.music(id));
                }
            });
        }
    }

    @Override
    protected FeatureStore open(TestDatasets.Dataset ds, Path work) {
        Path target = work.resolve("store");
        pack(ds, target, PackedFeatureStore.Precision.FLOAT32, WINDOW);
        return PackedFeatureStore.open(target);
    }

    private Path dir() {
        return tmp.resolve("work/store");
    }

    @Test
    void readsAreZeroCopyFromTheMapping() {
        String id = dataset.videos().keySet().iterator().next();
        assertTrue(store.video(id).feats().isDirect());
        assertTrue(store.video(id).mask().isDirect());
    }

    @Test
    void verifyDetectsAFlippedByte() throws IOException {
        ((PackedFeatureStore) store).verify();
        store.close();
        try (RandomAccessFile f = new RandomAccessFile(dir().resolve("data.bin").toFile(), "rw")) {
            f.seek(200);
            int b = f.read();
            f.seek(200);
            f.write(b ^ 1);
        }
        PackedFeatureStore reopened = PackedFeatureStore.open(dir());
        MgsvException e = assertThrows(MgsvException.class, reopened::verify);
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains(dir().toString()), e.getMessage());
    }

    @Test
    void truncatedDataIsRejectedOnOpen() throws IOException {
        store.close();
        try (RandomAccessFile f = new RandomAccessFile(dir().resolve("data.bin").toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        MgsvException e = assertThrows(MgsvException.class, () -> PackedFeatureStore.open(dir()));
        assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
    }

    @Test
    void missingIndexIsNotAStore() throws IOException {
        store.close();
        Files.delete(dir().resolve("index.json"));
        MgsvException e = assertThrows(MgsvException.class, () -> PackedFeatureStore.open(dir()));
        assertTrue(e.getMessage().contains("not a packed feature store"), e.getMessage());
    }

    @Test
    void interruptedPackLeavesNoStoreAndKeepsTheOldOne() throws IOException {
        Path target = tmp.resolve("work/other");
        MgsvException boom = new MgsvException("interrupted");
        assertThrows(MgsvException.class, () -> PackedFeatureStore.write(target, spec(),
                PackedFeatureStore.Precision.FLOAT32, (w, dir) -> {
                    w.addVideo(dataset.videos().values().iterator().next());
                    throw boom;
                }));
        assertFalse(Files.exists(target));
        // a failed re-pack over an existing store leaves it untouched
        long before = Files.size(dir().resolve("data.bin"));
        assertThrows(MgsvException.class, () -> PackedFeatureStore.write(dir(), spec(),
                PackedFeatureStore.Precision.FLOAT32, (w, d) -> {
                    throw boom;
                }));
        assertEquals(before, Files.size(dir().resolve("data.bin")));
        PackedFeatureStore.open(dir()).verify();
        try (Stream<Path> s = Files.list(tmp.resolve("work"))) {
            assertEquals(1, s.count(), "temporary directories must be removed");
        }
    }

    @Test
    void refusesNonFiniteAndWrongShapes() {
        VideoFeatures bad = new VideoFeatures("v", org.mgsv.core.tensor.Tensor.zeros(50, 11),
                org.mgsv.core.tensor.Tensor.zeros(50));
        MgsvException e = assertThrows(MgsvException.class, () -> PackedFeatureStore.write(tmp.resolve("x"), spec(),
                PackedFeatureStore.Precision.FLOAT32, (w, d) -> w.addVideo(bad)));
        assertTrue(e.getMessage().contains("[50, 11]"), e.getMessage());
        float[] v = new float[50 * 12];
        float[] m = new float[50];
        m[0] = 1;
        v[4] = Float.POSITIVE_INFINITY;
        VideoFeatures inf = new VideoFeatures("v9", org.mgsv.core.tensor.Tensor.of(v, 50, 12),
                org.mgsv.core.tensor.Tensor.of(m, 50));
        e = assertThrows(MgsvException.class, () -> PackedFeatureStore.write(tmp.resolve("x"), spec(),
                PackedFeatureStore.Precision.FLOAT32, (w, d) -> w.addVideo(inf)));
        assertTrue(e.getMessage().contains("v9") && e.getMessage().contains("Infinity"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x")));
    }
}
