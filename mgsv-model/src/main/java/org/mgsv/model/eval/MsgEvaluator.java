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
 * <p><b>Pass 1</b> (groups of {@link #GROUP_CHUNKS} chunks of {@code chunk} rows): encode a group's videos in
 * chunks of similar video length and its musics in chunks of similar music length, run DETR on chunks of
 * similar total length on each ground-truth pair — input packed with each row's valid tokens first
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
    private record CachedMusic(float[] tokens, float[] mask, float[] vector) {}

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

    /**
     * Rows encoded together in pass 1: the videos of a group are encoded in chunks of rows of similar video
     * length, its musics in chunks of similar music length, and DETR runs on chunks of similar total length, so
     * that none of the three pads a short row to a long one (with one order for all three, a chunk's video and
     * music padding cost a third of the encoders' work). Memory: a group's tokens, a few MB.
     */
    static final int GROUP_CHUNKS = 8;

    /** Pass 1: encode, detect and score the ground truth of every row, group by group. */
    private void detectAll(PairSource src, int[] gt, MadeNetwork.Decoder decoder, XPoolScorer xs, CachedMusic[] cache,
            Detections det, NDManager root, ConsoleProgress bar) {
        int n = src.size();
        long[] cacheUsed = {0};
        // rows of similar length share a chunk, so trimming the all-padding tail of a chunk saves work
        int[] order = sortedBy(n, i -> lengthHint(src.videoLengthHint(i)) + lengthHint(src.musicLengthHint(i)));
        int group = opt.chunk() * GROUP_CHUNKS;
        for (int ga = 0; ga < n; ga += group) {
            int[] rows = Arrays.copyOfRange(order, ga, Math.min(n, ga + group));
            EncodedRows v = encodeRows(src, rows, true, root);
            EncodedRows mu = encodeRows(src, rows, false, root);
            for (int a = 0; a < rows.length; a += opt.chunk()) {
                int b = Math.min(rows.length, a + opt.chunk());
                try (NDManager m = root.newSubManager()) {
                    detectChunk(src, rows, a, b, v, mu, gt, decoder, xs, cache, cacheUsed, det, m);
                }
                NativeMemory.release(DIRECT_LIMIT);
                if (bar != null) {
                    bar.step(b - a);
                }
            }
        }
    }

    /**
     * One side (videos or musics) of some rows, encoded: per row its tokens up to its last valid slot
     * ([slots·d], padded slots zero), its mask there and its vector. Host arrays, so that chunks of any rows can
     * be assembled from them without re-encoding.
     */
    record EncodedRows(float[][] tokens, float[][] masks, float[][] vectors, int d) {
        /** The rows of an encoded chunk, in its order. */
        static EncodedRows of(MadeNetwork.Encoded e) {
            int b = (int) e.tokens().getShape().get(0);
            int slots = (int) e.tokens().getShape().get(1);
            EncodedRows r = new EncodedRows(new float[b][], new float[b][], new float[b][],
                    (int) e.tokens().getShape().get(2));
            float[] tok = e.tokens().toFloatArray();
            float[] mask = e.mask().toFloatArray();
            float[] vec = e.vector().toFloatArray();
            for (int i = 0; i < b; i++) {
                r.put(tok, mask, vec, slots, i, i);
            }
            return r;
        }

        /** Stores row {@code i} of a chunk's tokens [b, slots, d], mask [b, slots] and vectors [b, d] at {@code to}. */
        private void put(float[] tok, float[] mask, float[] vec, int slots, int i, int to) {
            int last = 0;
            for (int j = 0; j < slots; j++) {
                if (mask[i * slots + j] != 0f) {
                    last = j + 1;
                }
            }
            last = Math.max(last, 1);
            tokens[to] = Arrays.copyOfRange(tok, i * slots * d, (i * slots + last) * d);
            masks[to] = Arrays.copyOfRange(mask, i * slots, i * slots + last);
            vectors[to] = Arrays.copyOfRange(vec, i * d, (i + 1) * d);
        }

        /** The rows {@code from..to-1} as one chunk, padded to the longest (tensors attached to {@code m}). */
        MadeNetwork.Encoded padded(int from, int to, NDManager m) {
            int k = to - from;
            int slots = 1;
            for (int i = from; i < to; i++) {
                slots = Math.max(slots, masks[i].length);
            }
            float[] tok = new float[k * slots * d];
            float[] mask = new float[k * slots];
            float[] vec = new float[k * d];
            for (int i = 0; i < k; i++) {
                System.arraycopy(tokens[from + i], 0, tok, i * slots * d, tokens[from + i].length);
                System.arraycopy(masks[from + i], 0, mask, i * slots, masks[from + i].length);
                System.arraycopy(vectors[from + i], 0, vec, i * d, d);
            }
            return new MadeNetwork.Encoded(NativeMemory.owned(m, tok, new Shape(k, slots, d)),
                    NativeMemory.owned(m, vec, new Shape(k, d)), NativeMemory.owned(m, mask, new Shape(k, slots)));
        }
    }

    /**
     * Encodes the videos (or musics) of {@code rows} in chunks of rows of similar length; the result is in the
     * order of {@code rows}.
     */
    private EncodedRows encodeRows(PairSource src, int[] rows, boolean videos, NDManager root) {
        int k = rows.length;
        EncodedRows out = new EncodedRows(new float[k][], new float[k][], new float[k][], c.dModel());
        int[] byLength = sortedBy(k, i -> lengthHint(videos ? src.videoLengthHint(rows[i]) : src.musicLengthHint(rows[i])));
        for (int a = 0; a < k; a += opt.chunk()) {
            int b = Math.min(k, a + opt.chunk());
            int[] sub = new int[b - a];
            for (int i = 0; i < sub.length; i++) {
                sub[i] = rows[byLength[a + i]];
            }
            try (NDManager m = root.newSubManager()) {
                NDArray[] in = trimmed(videos ? src.videos(m, sub) : src.musics(m, sub));
                EncodedRows e = EncodedRows.of(videos ? net.encodeVideo(in[0], in[1], false)
                        : net.encodeMusic(in[0], in[1], false));
                for (int i = 0; i < sub.length; i++) {
                    int to = byLength[a + i];
                    out.tokens()[to] = e.tokens()[i];
                    out.masks()[to] = e.masks()[i];
                    out.vectors()[to] = e.vectors()[i];
                }
            }
            NativeMemory.release(DIRECT_LIMIT);
        }
        return out;
    }

    /**
     * Pass 1 on the pairs {@code rows[from..to)} of a group whose sides are encoded in {@code v} and {@code mu}:
     * their moments, ground-truth scores and video vectors go into {@code det}.
     */
    private void detectChunk(PairSource src, int[] groupRows, int from, int to, EncodedRows vRows, EncodedRows muRows,
            int[] gt, MadeNetwork.Decoder decoder, XPoolScorer xs, CachedMusic[] cache, long[] cacheUsed,
            Detections det, NDManager m) {
        int d = c.dModel();
        int[] rows = Arrays.copyOfRange(groupRows, from, to);
        MadeNetwork.Encoded v = vRows.padded(from, to, m);
        MadeNetwork.Encoded mu = muRows.padded(from, to, m);
        float[] mom = moments(src, rows, v, mu, packed(vRows, muRows, from, to, m), decoder, m);
        cacheMusics(cache, rows, gt, muRows, from, cacheUsed);
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
            NDArray[] packed, MadeNetwork.Decoder decoder, NDManager m) {
        NDArray pooled = c.momentQuery().usesXPool()
                ? net.xpool(v.vector(), mu.tokens(), mu.mask(), false) : null;
        NDArray target = net.initialQueries(v.vector(), mu.vector(), pooled);
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
    private void cacheMusics(CachedMusic[] cache, int[] rows, int[] gt, EncodedRows mu, int from, long[] used) {
        if (opt.cacheBytes() == 0) {
            return;
        }
        for (int i = 0; i < rows.length; i++) {
            int u = gt[rows[i]];
            if (cache[u] != null) {
                continue;
            }
            float[] tok = mu.tokens()[from + i];
            float[] mask = mu.masks()[from + i];
            long bytes = 4L * (tok.length + mask.length + mu.d()) + 64;
            if (used[0] + bytes > opt.cacheBytes()) {
                return;
            }
            used[0] += bytes;
            cache[u] = new CachedMusic(tok, mask, mu.vectors()[from + i]);
        }
    }

    /**
     * The encoded musics from the cache as one padded chunk (tokens, mask, vector), or null when one is missing.
     * Same values as encoding them again (they are pass 1's results; padded slots are zero and masked).
     */
    private MadeNetwork.Encoded fromCache(CachedMusic[] cache, int[] us, NDManager m) {
        int k = us.length;
        EncodedRows r = new EncodedRows(new float[k][], new float[k][], new float[k][], c.dModel());
        for (int i = 0; i < k; i++) {
            CachedMusic cm = cache[us[i]];
            if (cm == null) {
                return null;
            }
            r.tokens()[i] = cm.tokens();
            r.masks()[i] = cm.mask();
            r.vectors()[i] = cm.vector();
        }
        return r.padded(0, k, m);
    }

    /**
     * The DETR input of a chunk with every row's valid tokens first: valid frames, then valid segments, then
     * padding, cut to the longest row. Exact: the encoder and the decoder's cross-attention treat the tokens
     * as a set (no operation mixes positions except attention, whose masked keys get weight 0), and the sine
     * position of a valid token depends only on its rank among the valid tokens (padding adds 0 to the
     * cumulative sum) and on the valid count, both unchanged by moving padding to the end.
     */
    static NDArray[] packed(EncodedRows v, EncodedRows mu, int from, int to, NDManager m) {
        int d = v.d();
        int k = to - from;
        int[] count = new int[k];
        int longest = 1;
        for (int i = 0; i < k; i++) {
            for (float x : v.masks()[from + i]) {
                count[i] += x != 0f ? 1 : 0;
            }
            for (float x : mu.masks()[from + i]) {
                count[i] += x != 0f ? 1 : 0;
            }
            longest = Math.max(longest, count[i]);
        }
        float[] tok = new float[k * longest * d];
        float[] mask = new float[k * longest];
        for (int i = 0; i < k; i++) {
            int at = i * longest;
            for (EncodedRows side : new EncodedRows[] {v, mu}) {
                float[] sm = side.masks()[from + i];
                float[] st = side.tokens()[from + i];
                for (int j = 0; j < sm.length; j++) {
                    if (sm[j] != 0f) {
                        System.arraycopy(st, j * d, tok, at * d, d);
                        mask[at++] = 1f;
                    }
                }
            }
        }
        return new NDArray[] {NativeMemory.owned(m, tok, new Shape(k, longest, d)),
            NativeMemory.owned(m, mask, new Shape(k, longest))};
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
