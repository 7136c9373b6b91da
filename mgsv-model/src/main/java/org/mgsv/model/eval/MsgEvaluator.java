package org.mgsv.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.core.util.TopKHeap;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.model.MadePredictor;
import org.mgsv.model.NativeMemory;

/**
 * The full MsG evaluation, streamed: encode N videos and N musics, detect the moment of every ground-truth pair,
 * and rank all N × (distinct musics) pairs by the model's retrieval score, with memory bounded by the chunk sizes
 * and the music-token cache budget (independent of N apart from a few floats per query: three d-vectors per
 * video and the top-K list). No N×N×d tensor (nor an N×N matrix) is ever formed.
 *
 * <p><b>Pass 1</b> (chunks of {@code chunk} rows, rows of similar length together): encode the rows' videos and
 * musics, run DETR on each ground-truth pair — input packed with each row's valid tokens first
 * ({@link #packed}), decoder rewritten by {@link FastDecoder} when there is one query — and keep the moment, the
 * ground-truth score, the per-video X-Pool vectors ({@link XPoolScorer.VideoSide}) and, within
 * {@code cacheBytes}, the encoded music tokens.
 * <b>Pass 2</b> (chunks of {@code musicChunk} distinct musics): take the musics' tokens from the cache (or encode
 * them again), precompute their {@link XPoolScorer.MusicSide} once, score them against every video in blocks of
 * {@code videoBlock} (dual + single at O(S·d) per pair), and count per video the musics that beat its ground
 * truth (its exact de-duplicated rank) while keeping a streaming top-K for run files.
 *
 * <p>Every rewrite is exact algebra (see {@link FastDecoder}, {@link XPoolScorer}, {@link #trimmed},
 * {@link #packed}) and is checked against the plain network in the tests.
 *
 * <p>De-duplication: rows that share a music id share one column, which is exactly the reference's music-id
 * de-duplication (duplicates have identical features, hence identical scores). Ties with the ground-truth score
 * are broken by first-occurrence order and counted in {@link MsgResult#ties()}.
 */
public final class MsgEvaluator {

    /**
     * Chunk sizes and the length of the kept ranking.
     *
     * @param cacheBytes encoded music tokens kept from pass 1 for pass 2 (at most this many bytes; musics beyond
     *                   it are encoded again in pass 2). Bounds memory independently of N.
     */
    public record Options(int chunk, int musicChunk, int videoBlock, int topK, boolean progress, long cacheBytes) {
        public static final long DEFAULT_CACHE_BYTES = 256L << 20;

        public static Options defaults() {
            return new Options(8, 16, 1024, 100, true, DEFAULT_CACHE_BYTES);
        }

        public Options(int chunk, int musicChunk, int videoBlock, int topK, boolean progress) {
            this(chunk, musicChunk, videoBlock, topK, progress, DEFAULT_CACHE_BYTES);
        }

        public Options {
            if (chunk < 1 || musicChunk < 1 || videoBlock < 1 || topK < 0 || cacheBytes < 0) {
                throw new IllegalArgumentException("chunk sizes must be >= 1, topK and cacheBytes >= 0");
            }
        }
    }

    /** One music's encoded tokens up to its last valid slot, its mask there, and h0(M). */
    private record CachedMusic(float[] tokens, float[] mask, float[] vector, int slots) {}

    /** Direct-buffer bytes (input tensors made from Java arrays) tolerated before asking for a collection. */
    static final long DIRECT_LIMIT = 16L << 20;

    private final MadeNetwork net;
    private final MadeConfig c;
    private final Options opt;

    public MsgEvaluator(MadeNetwork net, Options options) {
        this.net = net;
        this.c = net.config();
        this.opt = options;
    }

    /** The distinct musics in first-occurrence order: id → column, each column's first row, each row's column. */
    private record Musics(Map<String, Integer> index, List<Integer> firstRow, int[] gt) {
        int size() {
            return index.size();
        }
    }

    /** Pass 1's results per row: the detected moment, the ground-truth score and the video's X-Pool vectors. */
    private static final class Detections {
        final float[] predStart;
        final float[] predEnd;
        final float[] predScore;
        final float[] gtScore;
        final float[] allQ;
        final float[] allH;
        final float[] allGH;
        final float[] allHb;
        final float[] allHc;

        Detections(int n, int d) {
            predStart = new float[n];
            predEnd = new float[n];
            predScore = new float[n];
            gtScore = new float[n];
            allQ = new float[n * d];
            allH = new float[n * d];
            allGH = new float[n * d];
            allHb = new float[n];
            allHc = new float[n];
        }
    }

    /** Pass 2's counts per row (musics above, tied with, and tied before the truth), the top-K and the NaNs. */
    private static final class Ranking {
        final int[] greater;
        final int[] ties;
        final int[] tiesBefore;
        final TopKHeap top;
        long nonFinite;

        Ranking(int n, int topK) {
            greater = new int[n];
            ties = new int[n];
            tiesBefore = new int[n];
            top = new TopKHeap(n, topK);
        }
    }

    public MsgResult evaluate(PairSource src) {
        int n = src.size();
        if (n == 0) {
            throw new org.mgsv.core.MgsvException("no pairs to evaluate");
        }
        Musics musics = distinctMusics(src);
        int nm = musics.size();
        MadeParams params = net.params();
        MadeNetwork.Decoder decoder = FastDecoder.forInference(net);
        Detections det = new Detections(n, c.dModel());
        try (NDManager root = NDManager.newBaseManager();
                ConsoleProgress bar = opt.progress() ? new ConsoleProgress("msg-eval", (long) n + nm) : null) {
            XPoolScorer xs = new XPoolScorer(params, root);
            CachedMusic[] cache = new CachedMusic[nm];
            long t0 = System.nanoTime();
            detectAll(src, musics.gt(), decoder, xs, cache, det, root, bar);
            long t1 = System.nanoTime();
            Ranking r = rankAll(src, musics, xs, cache, det, root, bar);
            long t2 = System.nanoTime();
            xs.close();
            return result(musics, det, r, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }

    /** Distinct musics in first-occurrence order. */
    private static Musics distinctMusics(PairSource src) {
        int n = src.size();
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Integer> firstRow = new ArrayList<>();
        int[] gt = new int[n];
        for (int i = 0; i < n; i++) {
            String id = src.musicId(i);
            Integer u = index.get(id);
            if (u == null) {
                u = index.size();
                index.put(id, u);
                firstRow.add(i);
            }
            gt[i] = u;
        }
        return new Musics(index, firstRow, gt);
    }

    /** Pass 1: encode, detect and score the ground truth of every row, chunk by chunk. */
    private void detectAll(PairSource src, int[] gt, MadeNetwork.Decoder decoder, XPoolScorer xs, CachedMusic[] cache,
            Detections det, NDManager root, ConsoleProgress bar) {
        int n = src.size();
        long[] cacheUsed = {0};
        // rows of similar length share a chunk, so trimming the all-padding tail of a chunk saves work
        int[] order = sortedBy(n, i -> lengthHint(src.videoLengthHint(i)) + lengthHint(src.musicLengthHint(i)));
        for (int a = 0; a < n; a += opt.chunk()) {
            int b = Math.min(n, a + opt.chunk());
            int[] rows = Arrays.copyOfRange(order, a, b);
            try (NDManager m = root.newSubManager()) {
                detectChunk(src, rows, gt, decoder, xs, cache, cacheUsed, det, m);
            }
            NativeMemory.release(DIRECT_LIMIT);
            if (bar != null) {
                bar.step(b - a);
            }
        }
    }

    /** Pass 1 on the pairs {@code rows}: their moments, ground-truth scores and video vectors go into {@code det}. */
    private void detectChunk(PairSource src, int[] rows, int[] gt, MadeNetwork.Decoder decoder, XPoolScorer xs,
            CachedMusic[] cache, long[] cacheUsed, Detections det, NDManager m) {
        int d = c.dModel();
        NDArray[] vin = trimmed(src.videos(m, rows));
        NDArray[] min = trimmed(src.musics(m, rows));
        MadeNetwork.Encoded v = net.encodeVideo(vin[0], vin[1], false);
        MadeNetwork.Encoded mu = net.encodeMusic(min[0], min[1], false);
        float[] mom = moments(src, rows, v, mu, decoder, m);
        cacheMusics(cache, rows, gt, mu, cacheUsed);
        XPoolScorer.VideoSide vs = xs.prepareVideos(v.vector());
        XPoolScorer.MusicSide ms = xs.prepareMusics(mu.tokens(), mu.mask(), mu.vector());
        XPoolScorer.Block blk = xs.score(ms, vs, m);
        float[] q = vs.query().toFloatArray();
        float[] hv = vs.vector().toFloatArray();
        float[] gh = vs.gammaH().toFloatArray();
        int k = rows.length;
        for (int i = 0; i < k; i++) {
            int row = rows[i];
            det.predStart[row] = mom[3 * i];
            det.predEnd[row] = mom[3 * i + 1];
            det.predScore[row] = mom[3 * i + 2];
            det.gtScore[row] = combine(blk.dual()[i * k + i], blk.single()[i * k + i]);
            det.allHb[row] = vs.hb()[i];
            det.allHc[row] = vs.hc()[i];
            System.arraycopy(q, i * d, det.allQ, row * d, d);
            System.arraycopy(hv, i * d, det.allH, row * d, d);
            System.arraycopy(gh, i * d, det.allGH, row * d, d);
        }
    }

    /** The moment DETR detects in each pair of a chunk: {start, end, score} per row. */
    private float[] moments(PairSource src, int[] rows, MadeNetwork.Encoded v, MadeNetwork.Encoded mu,
            MadeNetwork.Decoder decoder, NDManager m) {
        NDArray pooled = c.momentQuery().usesXPool()
                ? net.xpool(v.vector(), mu.tokens(), mu.mask(), false) : null;
        NDArray target = net.initialQueries(v.vector(), mu.vector(), pooled);
        NDArray[] packed = packed(v, mu);
        MadeNetwork.DetrMemory mem = net.detrEncode(packed[0], packed[1], false);
        NDArray hidden = decoder.decode(mem, target, false);
        long layers = hidden.getShape().get(0);
        NDArray last = hidden.get(new NDIndex((layers - 1) + ":" + layers));
        NDArray width = null;
        if (c.predictCenter()) {
            float[] dur = src.videoDurations(rows);
            NDArray du = dur != null ? NativeMemory.owned(m, dur, new Shape(dur.length))
                    : v.mask().sum(new int[] {1});
            width = du.div(c.maxMDuration()).reshape(rows.length, 1, 1).repeat(1, c.numMomentQueries());
        }
        MadeNetwork.Heads h = net.heads(last, width);
        return MadePredictor.moments(h.logits().get(0), h.spans().get(0), c.maxMDuration()).toFloatArray();
    }

    /** Pass 2: every (video, distinct music) pair against the video's ground truth, chunk of musics by chunk. */
    private Ranking rankAll(PairSource src, Musics musics, XPoolScorer xs, CachedMusic[] cache, Detections det,
            NDManager root, ConsoleProgress bar) {
        int n = src.size();
        int nm = musics.size();
        int d = c.dModel();
        Ranking r = new Ranking(n, opt.topK());
        try (NDManager videos = root.newSubManager()) {
            XPoolScorer.VideoSide all = new XPoolScorer.VideoSide(NativeMemory.owned(videos, det.allQ, new Shape(n, d)),
                    NativeMemory.owned(videos, det.allH, new Shape(n, d)),
                    NativeMemory.owned(videos, det.allGH, new Shape(n, d)), det.allHb, det.allHc);
            int[] musicOrder = sortedBy(nm, u -> lengthHint(src.musicLengthHint(musics.firstRow().get(u))));
            for (int ua = 0; ua < nm; ua += opt.musicChunk()) {
                int ub = Math.min(nm, ua + opt.musicChunk());
                int[] us = Arrays.copyOfRange(musicOrder, ua, ub);
                int[] rows = new int[ub - ua];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = musics.firstRow().get(us[i]);
                }
                try (NDManager m = root.newSubManager()) {
                    rankMusics(src, us, rows, musics.gt(), xs, cache, all, det.gtScore, r, m);
                }
                NativeMemory.release(DIRECT_LIMIT);
                if (bar != null) {
                    bar.step(ub - ua);
                }
            }
        }
        for (int row = 0; row < n; row++) {
            r.top.offer(row, det.gtScore[row], musics.gt()[row]);
        }
        return r;
    }

    /** Pass 2 for the distinct musics {@code us} (first rows {@code rows}) against every video, block by block. */
    private void rankMusics(PairSource src, int[] us, int[] rows, int[] gt, XPoolScorer xs, CachedMusic[] cache,
            XPoolScorer.VideoSide all, float[] gtScore, Ranking r, NDManager m) {
        int n = gt.length;
        MadeNetwork.Encoded mu = fromCache(cache, us, m);
        if (mu == null) {
            NDArray[] min = trimmed(src.musics(m, rows));
            mu = net.encodeMusic(min[0], min[1], false);
        }
        for (int u : us) {
            cache[u] = null; // each music is scored once
        }
        XPoolScorer.MusicSide ms = xs.prepareMusics(mu.tokens(), mu.mask(), mu.vector());
        for (int va = 0; va < n; va += opt.videoBlock()) {
            int vb = Math.min(n, va + opt.videoBlock());
            try (NDManager bm = m.newSubManager()) {
                XPoolScorer.VideoSide vs = XPoolScorer.slice(all, va, vb);
                for (NDArray x : new NDArray[] {vs.query(), vs.vector(), vs.gammaH()}) {
                    x.attach(bm);
                }
                XPoolScorer.Block blk = xs.score(ms, vs, bm);
                count(blk, us, va, vb - va, gt, gtScore, r);
            }
        }
    }

    /** Counts, for each of the {@code nv} videos from {@code va}, the musics {@code us} that beat or tie its truth. */
    private void count(XPoolScorer.Block blk, int[] us, int va, int nv, int[] gt, float[] gtScore, Ranking r) {
        for (int mi = 0; mi < us.length; mi++) {
            int u = us[mi];
            for (int vi = 0; vi < nv; vi++) {
                int row = va + vi;
                if (u == gt[row]) {
                    continue;
                }
                int kk = mi * nv + vi;
                float s = combine(blk.dual()[kk], blk.single()[kk]);
                float g = gtScore[row];
                if (s > g) {
                    r.greater[row]++;
                } else if (s == g) {
                    r.ties[row]++;
                    if (u < gt[row]) {
                        r.tiesBefore[row]++;
                    }
                } else if (s != s) {
                    r.nonFinite++; // NaN compares false: it would rank the truth first
                }
                r.top.offer(row, s, u);
            }
        }
    }

    /** The result: refuses non-finite scores or moments; ranks are 0-based with ties broken by first occurrence. */
    private static MsgResult result(Musics musics, Detections det, Ranking r, double pass1Seconds,
            double pass2Seconds) {
        int n = musics.gt().length;
        long nonFinite = r.nonFinite;
        for (int row = 0; row < n; row++) {
            if (!Float.isFinite(det.gtScore[row]) || !Float.isFinite(det.predStart[row])
                    || !Float.isFinite(det.predEnd[row])) {
                nonFinite++;
            }
        }
        if (nonFinite > 0) {
            throw new org.mgsv.core.MgsvException("the model produced " + nonFinite + " non-finite score(s) or "
                    + "moment(s): no metric would be meaningful (are its weights corrupt?)");
        }
        int[] rank0 = new int[n];
        for (int i = 0; i < n; i++) {
            rank0[i] = r.greater[i] + r.tiesBefore[i];
        }
        int[][] topMusic = new int[n][];
        float[][] topScore = new float[n][];
        for (int row = 0; row < n; row++) {
            topMusic[row] = r.top.indices(row);
            topScore[row] = r.top.scores(row);
        }
        return new MsgResult(List.copyOf(musics.index().keySet()), musics.gt(), rank0, r.ties, det.gtScore,
                det.predStart, det.predEnd, det.predScore, topMusic, topScore, pass1Seconds, pass2Seconds);
    }

    /** Keeps the chunk's encoded musics (first occurrence of each) while the byte budget allows. */
    private void cacheMusics(CachedMusic[] cache, int[] rows, int[] gt, MadeNetwork.Encoded mu, long[] used) {
        if (opt.cacheBytes() == 0) {
            return;
        }
        int d = c.dModel();
        long s = mu.tokens().getShape().get(1);
        float[] tok = null;
        float[] mask = null;
        float[] vec = null;
        for (int i = 0; i < rows.length; i++) {
            int u = gt[rows[i]];
            if (cache[u] != null) {
                continue;
            }
            if (tok == null) {
                tok = mu.tokens().toFloatArray();
                mask = mu.mask().toFloatArray();
                vec = mu.vector().toFloatArray();
            }
            int last = 0;
            for (int j = 0; j < s; j++) {
                if (mask[(int) (i * s + j)] != 0f) {
                    last = j + 1;
                }
            }
            long bytes = 4L * last * (d + 1) + 4L * d + 64;
            if (used[0] + bytes > opt.cacheBytes()) {
                return;
            }
            used[0] += bytes;
            int base = (int) (i * s * d);
            cache[u] = new CachedMusic(Arrays.copyOfRange(tok, base, base + last * d),
                    Arrays.copyOfRange(mask, (int) (i * s), (int) (i * s) + last),
                    Arrays.copyOfRange(vec, i * d, (i + 1) * d), last);
        }
    }

    /**
     * The encoded musics from the cache as one padded chunk (tokens, mask, vector), or null when one is missing.
     * Same values as encoding them again (they are pass 1's results; padded slots are zero and masked).
     */
    private MadeNetwork.Encoded fromCache(CachedMusic[] cache, int[] us, NDManager m) {
        int d = c.dModel();
        int slots = 1;
        for (int u : us) {
            if (cache[u] == null) {
                return null;
            }
            slots = Math.max(slots, cache[u].slots());
        }
        float[] tok = new float[us.length * slots * d];
        float[] mask = new float[us.length * slots];
        float[] vec = new float[us.length * d];
        for (int i = 0; i < us.length; i++) {
            CachedMusic cm = cache[us[i]];
            System.arraycopy(cm.tokens(), 0, tok, i * slots * d, cm.tokens().length);
            System.arraycopy(cm.mask(), 0, mask, i * slots, cm.mask().length);
            System.arraycopy(cm.vector(), 0, vec, i * d, d);
        }
        return new MadeNetwork.Encoded(NativeMemory.owned(m, tok, new Shape(us.length, slots, d)),
                NativeMemory.owned(m, vec, new Shape(us.length, d)),
                NativeMemory.owned(m, mask, new Shape(us.length, slots)));
    }

    /**
     * The DETR input of a chunk with every row's valid tokens first: valid frames, then valid segments, then
     * padding, cut to the longest row. Exact: the encoder and the decoder's cross-attention treat the tokens
     * as a set (no operation mixes positions except attention, whose masked keys get weight 0), and the sine
     * position of a valid token depends only on its rank among the valid tokens (padding adds 0 to the
     * cumulative sum) and on the valid count, both unchanged by moving padding to the end.
     */
    static NDArray[] packed(MadeNetwork.Encoded v, MadeNetwork.Encoded mu) {
        NDArray src = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(v.tokens(), mu.tokens()), 1);
        NDArray mask = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(v.mask(), mu.mask()), 1);
        int b = (int) mask.getShape().get(0);
        int len = (int) mask.getShape().get(1);
        long d = src.getShape().get(2);
        float[] mk = mask.toFloatArray();
        int longest = 1;
        int[] count = new int[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < len; j++) {
                if (mk[i * len + j] != 0f) {
                    count[i]++;
                }
            }
            longest = Math.max(longest, count[i]);
        }
        if (longest == len) {
            boolean prefix = true; // nothing to gain unless some row has padding before a valid token
            for (int i = 0; i < b && prefix; i++) {
                for (int j = 0; j < count[i]; j++) {
                    prefix &= mk[i * len + j] != 0f;
                }
            }
            if (prefix) {
                return new NDArray[] {src, mask};
            }
        }
        long[] idx = new long[b * longest];
        for (int i = 0; i < b; i++) {
            int k = 0;
            int pad = -1;
            for (int j = 0; j < len; j++) {
                if (mk[i * len + j] != 0f) {
                    idx[i * longest + k++] = j;
                } else if (pad < 0) {
                    pad = j;
                }
            }
            while (k < longest) {
                idx[i * longest + k++] = pad; // a padding slot: masked (pad >= 0 whenever k < longest)
            }
        }
        NDManager m = src.getManager();
        NDArray index = NativeMemory.owned(m, idx, new Shape(b, longest));
        NDArray tokens = src.gather(index.reshape(b, longest, 1).repeat(2, d), 1);
        return new NDArray[] {tokens, mask.gather(index, 1)};
    }

    private float combine(float dual, float single) {
        return switch (c.retrievalScore()) {
            case DUAL -> dual;
            case SINGLE -> single;
            case BOTH -> dual + single;
        };
    }

    private static int lengthHint(int h) {
        return Math.max(h, 0);
    }

    /** 0..n-1 ordered by key (stable). */
    private static int[] sortedBy(int n, java.util.function.IntUnaryOperator key) {
        Integer[] o = new Integer[n];
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
            k[i] = key.applyAsInt(i);
        }
        Arrays.sort(o, (x, y) -> Integer.compare(k[x], k[y]));
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = o[i];
        }
        return r;
    }

    /**
     * Drops the trailing slots that are padding in every row of a chunk. Exact: padded slots are masked as
     * attention keys everywhere (enhancement, X-Pool, DETR), every other operation is per token, position
     * tables are indexed by absolute slot and the DETR sine embedding by the mask's cumulative sum, so the valid
     * tokens' results do not depend on trailing padding.
     */
    static NDArray[] trimmed(NDArray[] featsAndMask) {
        NDArray mask = featsAndMask[1];
        long len = mask.getShape().get(1);
        float[] v = mask.max(new int[] {0}).toFloatArray();
        int keep = 0;
        for (int j = 0; j < v.length; j++) {
            if (v[j] != 0f) {
                keep = j + 1;
            }
        }
        keep = Math.max(keep, 1);
        if (keep == len) {
            return featsAndMask;
        }
        NDIndex ix = new NDIndex(":, 0:" + keep);
        return new NDArray[] {featsAndMask[0].get(ix), mask.get(ix)};
    }
}
