package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;

class ValidatorTest {
    @Test
    void evaluationLeavesTheParametersUnchanged() {
        MadeConfig c = PlantedData.tinyConfig();
        PlantedData d = new PlantedData(c, 4, 1, 20, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 1);
            p.attachGradients();
            Map<String, NDArray> before = new LinkedHashMap<>();
            p.asMap().forEach((k, v) -> before.put(k, v.duplicate()));
            Validator.Result r = Validator.evaluate(new MadeNetwork(p), d.val, d, 8, m);
            assertTrue(r.metrics().get("mIoU") >= 0);
            for (String k : before.keySet()) {
                assertTrue(before.get(k).contentEquals(p.get(k)), k + " changed by evaluation");
            }
        }
    }
}
