package org.mgsv.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;

class ScratchProfileTest {
    static long t;
    static void lap(Map<String, Double> m, String k, NDArray sync) {
        sync.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sum().getFloat();
        long n = System.nanoTime();
        m.merge(k, (n - t) / 1e9, Double::sum);
        t = n;
    }

    @Test
    void profile() {
        MadeConfig cfg = MadeConfig.reference();
        int bs = Integer.parseInt(System.getProperty("bs", "32"));
        boolean training = !"false".equals(System.getProperty("tr"));
        SyntheticFeatures data = new SyntheticFeatures(cfg, bs, 1);
        Map<String, Double> tm = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(cfg, root, 1);
            p.attachGradients();
            MadeNetwork net = new MadeNetwork(p);
            for (int it = 0; it < 4; it++) {
                try (NDManager sm = root.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Batch b = Validator.load(sm, data.pairs(), data, cfg);
                    t = System.nanoTime();
                    MadeNetwork.Encoded v = net.encodeVideo(b.frames(), b.frameMask(), training);
                    lap(tm, "encVideo", v.tokens());
                    MadeNetwork.Encoded mu = net.encodeMusic(b.segments(), b.segmentMask(), training);
                    lap(tm, "encMusic", mu.tokens());
                    NDArray pooled = net.xpool(v.vector(), mu.tokens(), mu.mask(), training);
                    NDArray single = MadeNetwork.singleSimilarity(v.vector(), pooled);
                    lap(tm, "xpool", single);
                    MadeNetwork.DetrMemory mem = net.detrEncode(v.tokens(), v.mask(), mu.tokens(), mu.mask(), training);
                    lap(tm, "detrEnc", mem.memory());
                    NDArray hs = net.detrDecode(mem, net.initialQueries(v.vector(), mu.vector(), pooled), training);
                    lap(tm, "detrDec", hs);
                    MadeNetwork.Heads h = net.heads(hs, null);
                    lap(tm, "heads", h.spans());
                    NDArray loss = hs.sum().add(single.sum()).add(h.spans().sum()).add(h.logits().sum());
                    gc.backward(loss);
                    lap(tm, "backward", p.get("vit_proj.weight").getGradient());
                }
            }
        }
        System.out.println("PROFILE " + tm);
    }
}
