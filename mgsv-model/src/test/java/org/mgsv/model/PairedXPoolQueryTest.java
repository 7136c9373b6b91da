package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The paired X-Pool moment query: row i starts from h1(M_i|v_i), so a pair's moment does not depend on the other
 * rows of its batch (the reference's batch-averaged X-Pool query does).
 */
class PairedXPoolQueryTest {

    private static MadeInputs row(MadeInputs in, int i) {
        NDIndex ix = new NDIndex(i + ":" + (i + 1));
        return new MadeInputs(in.frameFeats().get(ix), in.frameMasks().get(ix), in.segmentFeats().get(ix),
                in.segmentMasks().get(ix));
    }

    private static float[] spansOfRow(MadeConfig c, int i) {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeNetwork net = new MadeNetwork(MadeParams.initialize(c, m, 5));
            MadeInputs in = TinyModels.inputs(m, c, 4, 21);
            float[] batch = net.forward(in, false).predSpans().get(i).toFloatArray();
            float[] alone = net.forward(row(in, i), false).predSpans().get(0).toFloatArray();
            return concat(batch, alone);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void pairedQueryIsTheRowsOwnXPoolVector() {
        MadeConfig c = TinyModels.tiny().momentQuery(MadeConfig.MomentQuery.XPOOL_PAIRED).build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeNetwork net = new MadeNetwork(MadeParams.initialize(c, m, 5));
            MadeInputs in = TinyModels.inputs(m, c, 3, 9);
            MadeNetwork.Encoded v = net.encodeVideo(in.frameFeats(), in.frameMasks(), false);
            MadeNetwork.Encoded mu = net.encodeMusic(in.segmentFeats(), in.segmentMasks(), false);
            NDArray paired = MadeNetwork.pairedXPool(net.xpool(v.vector(), mu.tokens(), mu.mask(), false));
            for (int i = 0; i < 3; i++) {
                NDIndex ix = new NDIndex(i + ":" + (i + 1));
                float[] alone = net.xpool(v.vector().get(ix), mu.tokens().get(ix), mu.mask().get(ix), false)
                        .toFloatArray();
                assertArrayEquals(alone, paired.get(i).toFloatArray(), 1e-5f, "row " + i);
            }
        }
    }

    @Test
    void pairedQueryMomentsDoNotDependOnTheBatch() {
        MadeConfig c = TinyModels.tiny().momentQuery(MadeConfig.MomentQuery.XPOOL_PAIRED).build();
        for (int i = 0; i < 4; i++) {
            float[] r = spansOfRow(c, i);
            float[] batch = Arrays.copyOfRange(r, 0, r.length / 2);
            float[] alone = Arrays.copyOfRange(r, r.length / 2, r.length);
            assertArrayEquals(batch, alone, 1e-5f, "row " + i + " in a batch of 4 vs alone");
        }
        // the reference's batch-averaged query does depend on the other rows
        float[] r = spansOfRow(TinyModels.tiny().momentQuery(MadeConfig.MomentQuery.XPOOL).build(), 1);
        assertFalse(Arrays.equals(Arrays.copyOfRange(r, 0, r.length / 2), Arrays.copyOfRange(r, r.length / 2, r.length)));
    }
}
