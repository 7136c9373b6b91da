package org.mgsv.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;

/** A training step leaves nothing behind in the long-lived manager (native memory stays bounded in a run). */
class StepMemoryTest {

    @Test
    void stepsDoNotAccumulateArraysInTheRootManager(@TempDir Path dir) {
        for (MadeConfig c : List.of(PlantedData.tinyConfig(), PlantedData.tinyConfig().toBuilder().predictCenter(true)
                .build())) {
            PlantedData d = new PlantedData(c, 32, 1, 4, 3);
            for (int mb : new int[] {0, 6}) {
                Trainer t = new Trainer(c, TrainerTest.tinyOptions(1).withMicroBatch(mb), TrainerTest.data(d), dir,
                        false);
                try (NDManager root = NDManager.newBaseManager();
                        Adam adam = new Adam(root, 0.9, 0.999, 1e-8)) {
                    MadeParams params;
                    try (MadeParams init = MadeParams.initialize(c, root, 1)) {
                        params = init.copy(root);
                    }
                    params.attachGradients();
                    MadeNetwork net = new MadeNetwork(params);
                    List<ParamGroup> groups = OptimizerGroups.of(params, false);
                    List<NDArray> all = new ArrayList<>(params.asMap().values());
                    List<TrainPair> pairs = d.train.subList(0, 16);
                    int[] counts = new int[4];
                    for (int s = 0; s < 4; s++) {
                        t.trainStep(root, Engine.getInstance(), net, params, groups, all, adam, pairs, s, 1e-3);
                        counts[s] = ((BaseNDManager) root).getManagedArrays().size();
                    }
                    System.out.printf(Locale.ROOT, "predictCenter %s micro-batch %d: arrays in the root manager after steps 1-4: "
                            + "%d %d %d %d%n", c.predictCenter(), mb, counts[0], counts[1], counts[2], counts[3]);
                    assertEquals(counts[1], counts[3], "arrays left behind per step");
                }
            }
        }
    }
}
