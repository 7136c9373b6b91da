package org.mgsv.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeInputs;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeOutput;
import org.mgsv.model.MadeParams;
import org.mgsv.model.MadePredictor;
import org.mgsv.model.TinyModels;

/** The streamed evaluator against one plain forward pass over all pairs (ranks, moments, scores, top-K). */
class MsgEvaluatorTest {

    /** Synthetic pairs where some rows reuse an earlier row's music (same id, same features). */
    static final class WithDuplicates implements PairSource {
        final SyntheticPairs base;
        final int[] musicRow;

        WithDuplicates(SyntheticPairs base, int[] musicRow) {
            this.base = base;
            this.musicRow = musicRow;
        }

        @Override public int size() { return base.size(); }
        @Override public String musicId(int row) { return "m" + musicRow[row]; }
        @Override public NDArray[] videos(NDManager m, int[] rows) { return base.videos(m, rows); }
        @Override public NDArray[] musics(NDManager m, int[] rows) {
            int[] r = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                r[i] = musicRow[rows[i]];
            }
            return base.musics(m, r);
        }
    }

    private static void check(MadeConfig c, long seed) {
        check(c, seed, MsgEvaluator.Options.DEFAULT_CACHE_BYTES);
        check(c, seed, 0); // every music encoded again in pass 2
        check(c, seed, 3000); // cache holds only some musics
        check(c, seed, 1, MsgEvaluator.Options.DEFAULT_CACHE_BYTES); // groups of 8 rows: two groups, one partial
    }

    private static void check(MadeConfig c, long seed, long cacheBytes) {
        check(c, seed, 4, cacheBytes);
    }

    private static void check(MadeConfig c, long seed, int chunk, long cacheBytes) {
        int n = 13;
        int[] musicRow = new int[n];
        for (int i = 0; i < n; i++) {
            musicRow[i] = (i == 5 || i == 9) ? 2 : (i == 11 ? 7 : i);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, seed, 0.2f);
            MadeNetwork net = new MadeNetwork(p);
            PairSource src = new WithDuplicates(new SyntheticPairs(n, seed, c), musicRow);
            MsgResult r = new MsgEvaluator(net, new MsgEvaluator.Options(chunk, 3, 5, 5, false, cacheBytes)).evaluate(src);

            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            NDArray[] v = src.videos(m, all);
            NDArray[] mu = src.musics(m, all);
            MadeOutput o = net.forward(new MadeInputs(v[0], v[1], mu[0], mu[1]), false);
            float[] sim = o.sim().toFloatArray(); // [videos, musics]
            float[] mom = MadePredictor.moments(o.predLogits(), o.predSpans(), c.maxMDuration()).toFloatArray();
            double maxScore = 0;
            double maxMoment = 0;
            for (int i = 0; i < n; i++) {
                // reference de-duplication: sort columns by score, skip ids already seen
                Integer[] cols = new Integer[n];
                for (int j = 0; j < n; j++) {
                    cols[j] = j;
                }
                final int row = i;
                java.util.Arrays.sort(cols, (x, y) -> Float.compare(sim[row * n + y], sim[row * n + x]));
                Set<String> seen = new HashSet<>();
                List<String> ranked = new ArrayList<>();
                for (int j : cols) {
                    if (seen.add(src.musicId(j))) {
                        ranked.add(src.musicId(j));
                    }
                }
                assertEquals(ranked.indexOf(src.musicId(i)), r.rank0()[i], "rank of row " + i);
                assertEquals(ranked.subList(0, 5), r.ranking(i), "top-5 of row " + i);
                maxScore = Math.max(maxScore, Math.abs(sim[i * n + i] - r.gtScore()[i]));
                maxMoment = Math.max(maxMoment, Math.abs(mom[3 * i] - r.predStart()[i]) / c.maxMDuration());
                maxMoment = Math.max(maxMoment, Math.abs(mom[3 * i + 1] - r.predEnd()[i]) / c.maxMDuration());
                maxMoment = Math.max(maxMoment, Math.abs(mom[3 * i + 2] - r.predScore()[i]));
            }
            System.out.printf(Locale.ROOT, "streamed evaluator vs plain forward (%s, cache %d B): scores %.3g, moments %.3g%n",
                    c.retrievalScore(), cacheBytes, maxScore, maxMoment);
            assertTrue(maxScore <= 1e-4, "gt score diff " + maxScore);
            assertTrue(maxMoment <= 1e-4, "moment diff " + maxMoment);
            assertEquals(10, r.musicIds().size());
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 2, 5, 6, 7, 2, 8, 6, 9}, r.gtMusic());
        }
    }

    @Test
    void packingValidTokensFirstIsExactForTheDecoder() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 4, 0.2f);
            MadeNetwork net = new MadeNetwork(p);
            MadeInputs in = TinyModels.inputs(m, c, 5, 9);
            // also a mask with holes (not a prefix)
            float[] fm = in.frameMasks().toFloatArray();
            fm[1] = 0f;
            NDArray frameMasks = m.create(fm, in.frameMasks().getShape());
            MadeNetwork.Encoded v = net.encodeVideo(in.frameFeats(), frameMasks, false);
            MadeNetwork.Encoded mu = net.encodeMusic(in.segmentFeats(), in.segmentMasks(), false);
            NDArray target = net.initialQueries(v.vector(), mu.vector(), null);
            NDArray plain = net.detrDecode(net.detrEncode(v.tokens(), v.mask(), mu.tokens(), mu.mask(), false), target, false);
            NDArray[] pk = MsgEvaluator.packed(MsgEvaluator.EncodedRows.of(v), MsgEvaluator.EncodedRows.of(mu), 0, 5, m);
            assertTrue(pk[0].getShape().get(1) < c.frameSlots() + c.segmentSlots(), "nothing was packed");
            NDArray fast = new FastDecoder(p).decode(net.detrEncode(pk[0], pk[1], false), target);
            double diff = plain.sub(fast).abs().max().getFloat();
            System.out.printf(Locale.ROOT, "rewrite DETR input packed (valid tokens first) + fast decoder: max|diff| = %.3g%n", diff);
            assertTrue(diff <= 1e-4, "diff " + diff);
        }
    }

    @Test
    void ranksMomentsAndTopKEqualThePlainComputation() {
        check(TinyModels.tiny().build(), 21);
    }

    @Test
    void singleOnlyAndMultiQueryConfigurations() {
        check(TinyModels.tiny().retrievalScore(MadeConfig.RetrievalScore.SINGLE).build(), 22);
        check(TinyModels.tiny().retrievalScore(MadeConfig.RetrievalScore.DUAL).numMomentQueries(3).build(), 23);
    }

    @Test
    void nonFiniteScoresFailInsteadOfRankingEveryQueryFirst() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = EvalFixtures.perturbed(c, m, 3, 0.2f);
            NDArray w = p.get("ast_proj.bias"); // one NaN weight of the music tower
            w.set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            MadeNetwork net = new MadeNetwork(p);
            SyntheticPairs src = new SyntheticPairs(6, 3, c);
            org.mgsv.core.MgsvException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.mgsv.core.MgsvException.class,
                    () -> new MsgEvaluator(net, new MsgEvaluator.Options(4, 3, 5, 5, false, 0)).evaluate(src));
            assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        }
    }
}
