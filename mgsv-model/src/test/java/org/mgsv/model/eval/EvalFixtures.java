package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeParams;

/** Random, non-trivial parameters (the X-Pool identity init would make the rewrites' tests too easy). */
final class EvalFixtures {
    private EvalFixtures() {}

    static MadeParams perturbed(MadeConfig c, NDManager m, long seed, float noise) {
        MadeParams p = MadeParams.initialize(c, m, seed);
        Random r = new Random(seed);
        for (String n : p.names()) {
            NDArray a = p.get(n);
            float[] v = a.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * noise);
            }
            a.set(v);
        }
        return p;
    }
}
