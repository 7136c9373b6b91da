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

/**
 * A training step, and a whole epoch (steps, validation, checkpoints, learning curves), leave nothing behind in
 * long-lived managers: native memory stays bounded in a run of any number of epochs in one {@link MadeTrainer#run}.
 */
class StepMemoryTest {

    @Test
    void stepsDoNotAccumulateArraysInTheRootManager(@TempDir Path dir) {
        for (MadeConfig c : List.of(PlantedData.tinyConfig(), PlantedData.tinyConfig().toBuilder().predictCenter(true)
                .build())) {
            PlantedData d = new PlantedData(c, 32, 1, 4, 3);
            for (int mb : new int[] {0, 6}) {
                MadeTrainer t = new MadeTrainer(c, MadeTrainerTest.tinyOptions(1).withMicroBatch(mb),
                        MadeTrainerTest.data(d), dir, false);
                try (NDManager root = NDManager.newBaseManager();
                        FusedAdam adam = new FusedAdam(root, 0.9, 0.999, 1e-8)) {
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

    /**
     * Arrays alive in the whole process (every base manager is a child of the engine's system manager) at the end
     * of each epoch of one call: the same after every epoch once the optimizer state exists. Counted, not measured
     * as RSS, so that malloc arenas and the garbage collector cannot hide or fake a leak; each array leaked per
     * step or per epoch shows here (a leaked optimizer temporary per parameter per step grew the quickstart's
     * resident memory by about 0.6 GB per epoch).
     */
    @Test
    void epochsOfOneRunDoNotAccumulateArrays(@TempDir Path dir) {
        MadeConfig c = PlantedData.tinyConfig().toBuilder().predictCenter(true).startAnchored(true)
                .momentQuery(MadeConfig.MomentQuery.XPOOL_PAIRED).build();
        PlantedData d = new PlantedData(c, 32, 1, 6, 3);
        List<Integer> live = new ArrayList<>();
        MadeTrainer t = new MadeTrainer(c, MadeTrainerTest.tinyOptions(4), MadeTrainerTest.data(d), dir, false);
        t.addListener(new RunListener() {
            @Override
            public void onEpochEnd(RunListener.Epoch e) {
                live.add(liveArrays());
            }
        });
        t.run(false, 0);
        System.out.println("arrays alive in the process after epochs 1-4 of one run: " + live);
        assertEquals(4, live.size());
        assertEquals(live.get(1), live.get(3), "arrays left behind per epoch (epoch 2 vs epoch 4): " + live);
    }

    private static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }
}
