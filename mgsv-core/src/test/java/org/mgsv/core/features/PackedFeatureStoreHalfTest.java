package org.mgsv.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mgsv.core.tensor.Half;
import org.mgsv.core.testing.TestDatasets;

/** The contract over a float16 packed store: values come back rounded to float16, the file is half as big. */
class PackedFeatureStoreHalfTest extends FeatureStoreTestCase {
    @Override
    protected FeatureStore open(TestDatasets.Dataset ds, Path work) {
        Path target = work.resolve("store");
        PackedFeatureStoreTest.pack(ds, target, PackedFeatureStore.Precision.FLOAT16,
                PackedFeatureStore.DEFAULT_WINDOW);
        return PackedFeatureStore.open(target);
    }

    @Override
    protected float stored(float v) {
        return Half.toFloat(Half.fromFloat(v));
    }

    @Test
    void fileIsAboutHalfTheFloat32One() throws IOException {
        Path f32 = tmp.resolve("f32");
        PackedFeatureStoreTest.pack(dataset, f32, PackedFeatureStore.Precision.FLOAT32,
                PackedFeatureStore.DEFAULT_WINDOW);
        long half = Files.size(tmp.resolve("work/store/data.bin"));
        long full = Files.size(f32.resolve("data.bin"));
        assertEquals(0.5, (double) half / full, 0.02);
    }
}
