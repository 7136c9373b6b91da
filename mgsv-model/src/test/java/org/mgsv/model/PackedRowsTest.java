package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The gathers between the padded and the packed layout, and packed dropout drawing the padded layout's mask. */
class PackedRowsTest {
    /** Two rows of 5 slots shaped like DETR's input: valid frames, padded frames, valid segments, padding. */
    private static final float[] MASK = {1, 0, 1, 1, 0, /* */ 1, 1, 0, 1, 0};

    @Test
    void packKeepsTheValidSlotsInOrderAndUnpackPutsZerosInThePadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            PackedRows rows = PackedRows.of(m.create(MASK, new Shape(2, 5)));
            assertEquals(6, rows.count());
            assertTrue(rows.hasPadding());
            assertTrue(rows.everyRowValid());
            NDArray x = m.arange(30f).reshape(2, 5, 3);
            NDArray p = rows.pack(x);
            assertEquals(new Shape(6, 3), p.getShape());
            // slots 0, 2, 3 of row 0 and 0, 1, 3 of row 1
            assertArrayEquals(new float[] {0, 1, 2, 6, 7, 8, 9, 10, 11, 15, 16, 17, 18, 19, 20, 24, 25, 26},
                    p.toFloatArray());
            float[] back = rows.unpack(p).toFloatArray();
            float[] want = x.toFloatArray();
            for (int i = 0; i < MASK.length; i++) {
                for (int f = 0; f < 3; f++) {
                    assertEquals(MASK[i] > 0 ? want[i * 3 + f] : 0f, back[i * 3 + f], "slot " + i);
                }
            }
        }
    }

    @Test
    void gradientsFlowBackToTheValidSlotsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            PackedRows rows = PackedRows.of(m.create(MASK, new Shape(2, 5)));
            NDArray x = m.arange(30f).reshape(2, 5, 3);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // unpack(pack(x)) · 2 summed: ∂/∂x = 2 at valid slots, 0 at padded ones
                gc.backward(rows.unpack(rows.pack(x)).mul(2f).sum());
            }
            float[] g = x.getGradient().toFloatArray();
            for (int i = 0; i < MASK.length; i++) {
                for (int f = 0; f < 3; f++) {
                    assertEquals(MASK[i] > 0 ? 2f : 0f, g[i * 3 + f], "slot " + i);
                }
            }
        }
    }

    @Test
    void packedDropoutDropsWhatPaddedDropoutDrops() {
        try (NDManager m = NDManager.newBaseManager()) {
            PackedRows rows = PackedRows.of(m.create(MASK, new Shape(2, 5)));
            NDArray h = m.randomUniform(1f, 2f, new Shape(2, 5, 64));
            Ops.seedRandom(Engine.getInstance(), 7);
            float[] padded = rows.pack(Ops.dropout(h, 0.4f, true)).toFloatArray();
            Ops.seedRandom(Engine.getInstance(), 7);
            float[] packed = rows.dropout(rows.pack(h), 0.4f, true).toFloatArray();
            assertArrayEquals(padded, packed);
            int zeros = 0;
            for (float v : packed) {
                zeros += v == 0f ? 1 : 0;
            }
            assertTrue(zeros > 0 && zeros < packed.length, "some but not all dropped: " + zeros);
            assertArrayEquals(rows.pack(h).toFloatArray(), rows.dropout(rows.pack(h), 0.4f, false).toFloatArray());
        }
    }

    @Test
    void rejectsOtherShapesAndReportsEmptyRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            PackedRows rows = PackedRows.of(m.create(MASK, new Shape(2, 5)));
            assertThrows(IllegalArgumentException.class, () -> rows.pack(m.zeros(new Shape(2, 4, 3))));
            assertThrows(IllegalArgumentException.class, () -> rows.unpack(m.zeros(new Shape(5, 3))));
            assertThrows(IllegalArgumentException.class, () -> PackedRows.of(m.zeros(new Shape(10))));
            PackedRows empty = PackedRows.of(m.create(new float[] {1, 1, 0, 0}, new Shape(2, 2)));
            assertFalse(empty.everyRowValid());
            PackedRows full = PackedRows.of(m.ones(new Shape(2, 2)));
            assertFalse(full.hasPadding());
        }
    }
}
