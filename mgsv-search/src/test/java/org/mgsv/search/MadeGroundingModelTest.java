package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mgsv.search.RandomFeatures.feats;
import static org.mgsv.search.RandomFeatures.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.Provenance;
import org.mgsv.search.catalog.TrackRecord;

/**
 * The search-side model (towers one at a time, plain-Java X-Pool, detection on shortlisted tracks) gives what
 * the network's batch forward gives for the same (video, track) pairs.
 */
class MadeGroundingModelTest {
    @TempDir static Path tmp;
    static NDManager manager;
    static MadeGroundingModel model;
    static MadeParams params;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        MadeConfig cfg = MadeConfig.reference();
        params = MadeParams.initialize(cfg, manager, 5);
        // X-Pool starts as identities: give it random weights so the test can tell a wrong formula
        Random r = new Random(3);
        for (String n : params.names()) {
            if (n.startsWith("video_guided_to_music_pooling_cross_transformer.")) {
                NDArray old = params.get(n);
                float[] v = old.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = v[i] * 0.5f + (float) (r.nextGaussian() * 0.06);
                }
                params.set(n, manager.create(v, old.getShape()));
            }
        }
        ModelDir.save(tmp.resolve("m"), params, Provenance.of("test", Map.of()));
        model = MadeGroundingModel.load(tmp.resolve("m"));
    }

    @AfterAll
    static void tearDown() {
        if (model != null) {
            model.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    static float[] flat(float[][] x) {
        float[] o = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, o, i * x[0].length, x[0].length);
        }
        return o;
    }

    @Test
    void matchesBatchForward() {
        Random r = new Random(1);
        int n = 3;
        float[][] vf = feats(r, 50, 512, 12);
        float[] vm = mask(50, 12);
        List<float[][]> mf = new ArrayList<>();
        List<float[]> mm = new ArrayList<>();
        int[] valid = {96, 40, 73};
        for (int i = 0; i < n; i++) {
            mf.add(feats(r, 96, 768, valid[i]));
            mm.add(mask(96, valid[i]));
        }
        GroundingModel.EncodedVideo v = model.encodeVideo(vf, vm);
        List<TrackRecord> tracks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GroundingModel.EncodedMusic e = model.encodeMusic(mf.get(i), mm.get(i));
            tracks.add(TrackRecord.builder("t" + i).durationSeconds(200).vectors(e.tokens(), e.mask(), e.h0()).build());
        }
        float[] single = model.scoreSingle(v.hv(), tracks);
        // a list longer than one scoring chunk: the same score for each track
        List<TrackRecord> many = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            many.addAll(tracks);
        }
        float[] manySingle = model.scoreSingle(v.hv(), many);
        for (int i = 0; i < many.size(); i++) {
            assertEquals(single[i % n], manySingle[i], 1e-6, "chunked single score, track " + i);
        }
        GroundingModel.Span[] spans = model.detectMoments(v, tracks);
        try (MadeGroundingModel parallel = MadeGroundingModel.load(tmp.resolve("m"), 2)) {
            GroundingModel.Span[] ps = parallel.detectMoments(v, tracks);
            for (int i = 0; i < n; i++) {
                assertEquals(spans[i].center(), ps[i].center(), 1e-6, "parallel detection, pair " + i);
                assertEquals(spans[i].score(), ps[i].score(), 1e-6, "parallel detection, pair " + i);
            }
            // a shortlist scored in parts on two threads: the same score, in the same order
            // (first half all track 0, second half tracks 1 and 2: a swap of the parts would show)
            List<TrackRecord> mixed = new ArrayList<>();
            int[] which = new int[100];
            for (int k = 0; k < which.length; k++) {
                which[k] = k < 50 ? 0 : 1 + k % 2;
                mixed.add(tracks.get(which[k]));
            }
            float[] parallelSingle = parallel.scoreSingle(v.hv(), mixed);
            for (int i = 0; i < mixed.size(); i++) {
                assertEquals(single[which[i]], parallelSingle[i], 1e-6, "parallel single score, track " + i);
            }
        }

        try (NDManager m = manager.newSubManager()) {
            float[] vfs = new float[n * 50 * 512];
            float[] vms = new float[n * 50];
            float[] mfs = new float[n * 96 * 768];
            float[] mms = new float[n * 96];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat(vf), 0, vfs, i * 50 * 512, 50 * 512);
                System.arraycopy(vm, 0, vms, i * 50, 50);
                System.arraycopy(flat(mf.get(i)), 0, mfs, i * 96 * 768, 96 * 768);
                System.arraycopy(mm.get(i), 0, mms, i * 96, 96);
            }
            MadeInputs in = new MadeInputs(m.create(vfs, new Shape(n, 50, 512)), m.create(vms, new Shape(n, 50)),
                    m.create(mfs, new Shape(n, 96, 768)), m.create(mms, new Shape(n, 96)));
            MadeOutput out = new org.mgsv.model.MadeNetwork(params).forward(in, false);
            float[] dual = out.dualSim().toFloatArray(); // [n videos (identical), n musics]
            float[] sing = out.singleSim().toFloatArray();
            float[] spansRef = out.predSpans().toFloatArray();
            float[] logits = out.predLogits().toFloatArray();
            for (int i = 0; i < n; i++) {
                assertEquals(dual[i], VecMath.dot(v.hv(), tracks.get(i).h0()), 1e-5, "dual " + i);
                assertEquals(sing[i], single[i], 1e-5, "single " + i);
                assertEquals(spansRef[i * 2], spans[i].center(), 1e-5, "center " + i);
                assertEquals(spansRef[i * 2 + 1], spans[i].width(), 1e-5, "width " + i);
                double p = 1 / (1 + Math.exp(logits[i * 2 + 1] - logits[i * 2]));
                assertEquals(p, spans[i].score(), 1e-5, "score " + i);
            }
        }
    }
}
