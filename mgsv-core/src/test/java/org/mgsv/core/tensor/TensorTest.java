package org.mgsv.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void indexingRowsAndViews() {
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i;
        }
        Tensor t = Tensor.of(v, 2, 3, 4);
        assertEquals(23f, t.get(1, 2, 3));
        assertEquals(6f, t.get(0, 1, 2));
        Tensor r = t.row(1);
        assertArrayEquals(new int[] {3, 4}, r.shape());
        assertEquals(12f, r.get(0, 0));
        assertEquals(21f, r.row(2).get(1));
        float[] dst = new float[14];
        t.copyRow(1, dst, 2);
        assertEquals(12f, dst[2]);
        assertEquals(23f, dst[13]);
        assertEquals(t, t.reshape(6, 4).reshape(2, 3, 4));
        float[] batch = new float[50];
        r.copyTo(batch, 30);
        assertEquals(12f, batch[30]);
        assertEquals(23f, batch[41]);
        assertEquals(0f, batch[42]);
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> t.get(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(v, 5, 5));
        v[0] = 99; // of() copies
        assertEquals(0f, t.get(0, 0, 0));
    }

    @Test
    void nonFiniteDetection() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertFalse(t.hasNonFinite());
        assertEquals(-1, t.firstNonFinite());
        Tensor n = Tensor.of(new float[] {1, 2, Float.POSITIVE_INFINITY, Float.NaN}, 2, 2);
        assertTrue(n.hasNonFinite());
        assertEquals(2, n.firstNonFinite());
        assertArrayEquals(new int[] {1, 0}, n.unflatten(2));
    }

    @Test
    void wrapsDirectLittleEndianBytesWithoutCopy() {
        ByteBuffer b = ByteBuffer.allocateDirect(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            b.putFloat(i * 1.5f);
        }
        b.position(8);
        Tensor t = Tensor.wrapLittleEndian(b, 3, 2);
        assertTrue(t.isDirect());
        assertEquals(3f, t.get(0, 0));
        assertEquals(10.5f, t.get(2, 1));
        assertArrayEquals(new byte[] {0, 0, 0x40, 0x40}, java.util.Arrays.copyOf(t.toLittleEndianBytes(), 4));
    }

    @Test
    void halfConversionIsExactAndRoundsToNearestEven() {
        // every float16 bit pattern survives a round trip (NaNs stay NaN)
        for (int h = 0; h < 65536; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))));
            } else {
                assertEquals((short) h, Half.fromFloat(f), "bits " + Integer.toHexString(h));
            }
        }
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Half.toFloat((short) 1));
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0)
        assertEquals(1f, Half.toFloat(Half.fromFloat(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, Half.toFloat(Half.fromFloat(1f + 0x1p-10f + 0x1p-11f)));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(70000f)));
    }
}
