package org.mgsv.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.mgsv.core.util.Threads;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.NativeMemory;
import org.mgsv.search.catalog.TrackRecord;

/**
 * {@link GroundingModel} on the MaDe network of mgsv-model (inference mode), loaded from a model directory.
 * Towers, the X-Pool single score of the shortlisted tracks (mgsv-model's {@link org.mgsv.model.XPool}: no segment
 * token is projected, a track costs its logits, its pooling and three d×d products) and moment detection all run
 * the network itself (DJL).
 */
public final class MadeGroundingModel implements GroundingModel {
    private final NDManager manager;
    private final MadeParams params;
    private final MadeNetwork net;
    private final MadeConfig c;
    private final MadeNetwork.Decoder decoder;
    private final String name;
    private final int parallelism;
    private final java.util.concurrent.ExecutorService pool;

    /**
     * Sets the process up for search, before the engine starts (first use of DJL in the process). Makes libtorch
     * run each operation on the calling thread only. Search parallelises across (video, track)
     * pairs instead: small per-pair operations scale poorly over intra-op threads and collapse when the cores
     * are shared. And keeps freed native memory for the next query ({@code EvalMemory.tuneForLatency}).
     */
    public static void prepareSearchProcess() {
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        org.mgsv.model.eval.EvalMemory.tuneForLatency(); // a query's large tensors are reused, not paged in again
    }

    private MadeGroundingModel(NDManager manager, MadeParams params, String name, int parallelism) {
        this.parallelism = Math.max(1, parallelism);
        this.pool = this.parallelism > 1 ? java.util.concurrent.Executors.newFixedThreadPool(this.parallelism,
                Threads.daemonFactory("made-detect")) : null;
        this.manager = manager;
        this.params = params;
        this.net = new MadeNetwork(params);
        this.c = params.config();
        this.decoder = org.mgsv.model.eval.FastDecoder.forInference(net);
        this.name = name;
    }

    /** Loads a model directory (see mgsv-model's ModelDir). */
    public static MadeGroundingModel load(Path dir) {
        return load(dir, 1);
    }

    /** Loads a model directory; moment detection for several tracks runs on {@code parallelism} threads. */
    public static MadeGroundingModel load(Path dir, int parallelism) {
        NDManager m = NDManager.newBaseManager();
        try {
            ModelDir.Loaded loaded = ModelDir.load(dir, m);
            String src = loaded.provenance() == null ? "" : " (" + loaded.provenance().source() + ")";
            return new MadeGroundingModel(m, loaded.params(), "MaDe " + dir.toAbsolutePath().normalize().getFileName() + src,
                    parallelism);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The network at its initialisation (random weights, reference init): real compute cost, meaningless scores. */
    public static MadeGroundingModel initialised(MadeConfig config, long seed, int parallelism) {
        NDManager m = NDManager.newBaseManager();
        return new MadeGroundingModel(m, MadeParams.initialize(config, m, seed), "MaDe untrained (seed " + seed + ")",
                parallelism);
    }

    public MadeConfig config() {
        return c;
    }

    @Override
    public int dim() {
        return c.dModel();
    }

    @Override
    public int frameSlots() {
        return c.frameSlots();
    }

    @Override
    public int frameFeatureDim() {
        return c.frameFeatDim();
    }

    @Override
    public int segmentSlots() {
        return c.segmentSlots();
    }

    @Override
    public int segmentFeatureDim() {
        return c.segmentFeatDim();
    }

    @Override
    public double maxMusicSeconds() {
        return c.maxMDuration();
    }

    @Override
    public boolean usesDual() {
        return c.retrievalScore().usesDual();
    }

    @Override
    public boolean usesSingle() {
        return c.retrievalScore().usesSingle();
    }

    @Override
    public String name() {
        return name;
    }

    private static float[] flat(float[][] x, int rows, int cols, String what) {
        if (x.length != rows) {
            throw new IllegalArgumentException(what + ": " + x.length + " rows, the model expects " + rows);
        }
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (x[i].length != cols) {
                throw new IllegalArgumentException(what + ": row of " + x[i].length + ", the model expects " + cols);
            }
            System.arraycopy(x[i], 0, out, i * cols, cols);
        }
        return out;
    }

    private static float[][] rows(float[] flat, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    @Override
    public EncodedVideo encodeVideo(float[][] frameFeatures, float[] mask) {
        int f = c.frameSlots();
        try (NDManager m = manager.newSubManager()) {
            NDArray x = NativeMemory.owned(m, flat(frameFeatures, f, c.frameFeatDim(), "frame features"),
                    new Shape(1, f, c.frameFeatDim()));
            NDArray mk = NativeMemory.owned(m, mask, new Shape(1, f));
            MadeNetwork.Encoded e = net.encodeVideo(x, mk, false);
            return new EncodedVideo(rows(e.tokens().toFloatArray(), f, c.dModel()), mask.clone(), e.vector().toFloatArray());
        }
    }

    @Override
    public EncodedMusic encodeMusic(float[][] segmentFeatures, float[] mask) {
        int s = c.segmentSlots();
        try (NDManager m = manager.newSubManager()) {
            NDArray x = NativeMemory.owned(m, flat(segmentFeatures, s, c.segmentFeatDim(), "segment features"),
                    new Shape(1, s, c.segmentFeatDim()));
            NDArray mk = NativeMemory.owned(m, mask, new Shape(1, s));
            MadeNetwork.Encoded e = net.encodeMusic(x, mk, false);
            return new EncodedMusic(rows(e.tokens().toFloatArray(), s, c.dModel()), mask.clone(), e.vector().toFloatArray());
        }
    }

    @Override
    public float[] scoreSingle(float[] hv, List<TrackRecord> tracks) {
        int n = tracks.size();
        if (pool == null || n < 2 * MIN_PARALLEL_SCORE) {
            return singleScores(net, manager, hv, tracks);
        }
        // a shortlist's X-Pool in parts on the detection threads (libtorch runs each operation on one thread here)
        int parts = Math.min(parallelism, n / MIN_PARALLEL_SCORE);
        return concatScores(inParts(tracks, parts, part -> singleScores(net, manager, hv, part)), n);
    }

    /** Fewest tracks per part when a shortlist is scored in parallel (below, the hand-off costs more than it saves). */
    private static final int MIN_PARALLEL_SCORE = 16;

    /** Tracks per X-Pool call of {@link #singleScores}: a shortlist in one call, a whole catalog in bounded memory. */
    private static final int SCORE_CHUNK = 128;

    /** cos(h(v), h1(M|v)) of one video against each track, by the network's X-Pool (in a sub-manager of {@code parent}). */
    static float[] singleScores(MadeNetwork net, NDManager parent, float[] hv, List<TrackRecord> tracks) {
        float[] out = new float[tracks.size()];
        for (int from = 0; from < out.length; from += SCORE_CHUNK) {
            int to = Math.min(out.length, from + SCORE_CHUNK);
            System.arraycopy(singleScoresChunk(net, parent, hv, tracks.subList(from, to)), 0, out, from, to - from);
        }
        return out;
    }

    private static float[] singleScoresChunk(MadeNetwork net, NDManager parent, float[] hv, List<TrackRecord> tracks) {
        int n = tracks.size();
        int d = net.config().dModel();
        // segments past the last valid one of every track are dropped: X-Pool ignores masked segments exactly
        int s = 1;
        for (TrackRecord t : tracks) {
            s = Math.max(s, validLength(t.mask()));
        }
        try (NDManager m = parent.newSubManager()) {
            NDArray v = NativeMemory.owned(m, hv, new Shape(1, d));
            NDArray tok = segmentTokens(m, tracks, s, d);
            NDArray pooled = net.xpool(v, tok, segmentMask(m, tracks, s), false);
            return MadeNetwork.singleSimilarity(v, pooled).toFloatArray(); // [1, n]
        }
    }

    /** The tracks' first {@code s} segment tokens as one [n, s, d] tensor, written straight into its storage. */
    private static NDArray segmentTokens(NDManager m, List<TrackRecord> tracks, int s, int d) {
        NDArray a = m.create(new Shape(tracks.size(), s, d), ai.djl.ndarray.types.DataType.FLOAT32);
        java.nio.FloatBuffer b = org.mgsv.model.TensorStorage.floats(a);
        for (int i = 0; i < tracks.size(); i++) {
            float[][] tok = tracks.get(i).tokens();
            for (int j = 0; j < s; j++) {
                b.put((i * s + j) * d, tok[j], 0, d);
            }
        }
        return a;
    }

    /** The tracks' first {@code s} mask values as one [n, s] tensor. */
    private static NDArray segmentMask(NDManager m, List<TrackRecord> tracks, int s) {
        NDArray a = m.create(new Shape(tracks.size(), s), ai.djl.ndarray.types.DataType.FLOAT32);
        java.nio.FloatBuffer b = org.mgsv.model.TensorStorage.floats(a);
        for (int i = 0; i < tracks.size(); i++) {
            b.put(i * s, tracks.get(i).mask(), 0, s);
        }
        return a;
    }

    private static int validLength(float[] mask) {
        for (int i = mask.length - 1; i >= 0; i--) {
            if (mask[i] != 0) {
                return i + 1;
            }
        }
        return 0;
    }

    @Override
    public Span[] detectMoments(EncodedVideo video, List<TrackRecord> tracks) {
        int n = tracks.size();
        if (pool == null || n < 2) {
            return detectChunk(video, tracks);
        }
        return concatSpans(inParts(tracks, Math.min(parallelism, n), part -> detectChunk(video, part)), n);
    }

    /** {@code work} on {@code parts} consecutive parts of {@code tracks} on the pool, results in order. */
    private <T> List<T> inParts(List<TrackRecord> tracks, int parts, java.util.function.Function<List<TrackRecord>, T> work) {
        int n = tracks.size();
        int per = (n + parts - 1) / parts;
        List<java.util.concurrent.Future<T>> fs = new java.util.ArrayList<>();
        for (int from = 0; from < n; from += per) {
            List<TrackRecord> part = tracks.subList(from, Math.min(n, from + per));
            fs.add(pool.submit(() -> work.apply(part)));
        }
        List<T> out = new java.util.ArrayList<>(fs.size());
        try {
            for (java.util.concurrent.Future<T> f : fs) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
        return out;
    }

    private static Span[] concatSpans(List<Span[]> parts, int n) {
        Span[] out = new Span[n];
        int at = 0;
        for (Span[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static float[] concatScores(List<float[]> parts, int n) {
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private Span[] detectChunk(EncodedVideo video, List<TrackRecord> tracks) {
        int n = tracks.size();
        int d = c.dModel();
        int q = c.numMomentQueries();
        // Padded positions are dropped before DETR: attention ignores them as keys, the sine position of a valid
        // position depends only on the count of valid positions before it, and their own outputs are never read,
        // so the result is the same as on the full [F+S] sequence, for less work.
        int[] frames = validIndices(video.mask());
        int s = 0;
        for (TrackRecord t : tracks) {
            s = Math.max(s, validLength(t.mask()));
        }
        int f = Math.max(1, frames.length);
        s = Math.max(1, s);
        try (NDManager m = manager.newSubManager()) {
            // the video's valid frames, repeated for every track, and the tracks' segments: straight into storage
            NDArray fTok = m.create(new Shape(n, f, d), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray fMask = m.create(new Shape(n, f), ai.djl.ndarray.types.DataType.FLOAT32);
            java.nio.FloatBuffer ft = org.mgsv.model.TensorStorage.floats(fTok);
            java.nio.FloatBuffer fm = org.mgsv.model.TensorStorage.floats(fMask);
            for (int j = 0; j < f; j++) {
                boolean valid = j < frames.length;
                float[] row = valid ? video.tokens()[frames[j]] : new float[d];
                float mv = valid ? video.mask()[frames[j]] : 0f;
                for (int i = 0; i < n; i++) {
                    ft.put((i * f + j) * d, row, 0, d);
                    fm.put(i * f + j, mv);
                }
            }
            NDArray sTok = segmentTokens(m, tracks, s, d);
            NDArray sMask = segmentMask(m, tracks, s);
            float[] h0 = c.momentQuery() == MadeConfig.MomentQuery.MUSIC ? new float[n * d] : null;
            for (int i = 0; h0 != null && i < n; i++) {
                System.arraycopy(tracks.get(i).h0(), 0, h0, i * d, d);
            }
            NDArray hv = NativeMemory.owned(m, video.hv(), new Shape(1, d));
            NDArray base = switch (c.momentQuery()) {
                case VIDEO -> hv.repeat(0, n);
                case MUSIC -> NativeMemory.owned(m, h0, new Shape(n, d));
                // X-Pool query: h1(M_i | v) of this video
                case XPOOL, XPOOL_PAIRED -> net.xpool(hv, sTok, sMask, false).reshape(n, d);
                case ZERO -> m.zeros(new Shape(n, d));
            };
            NDArray target = base.reshape(n, 1, d).repeat(1, q);
            MadeNetwork.DetrMemory mem = net.detrEncode(fTok, fMask, sTok, sMask, false);
            // one moment query: the decoder that never projects the memory tokens (exact, mgsv-model's FastDecoder)
            NDArray hiddenStates = decoder.decode(mem, target, false);
            NDArray width = null;
            if (c.predictCenter()) {
                double videoSeconds = 0;
                for (float v : video.mask()) {
                    videoSeconds += v;
                }
                width = m.full(new Shape(n, q, 1), (float) (videoSeconds / c.maxMDuration()));
            }
            MadeNetwork.Heads h = net.heads(hiddenStates, width);
            long layers = hiddenStates.getShape().get(0);
            float[] logits = h.logits().get(layers - 1).toFloatArray(); // [n,q,2]
            float[] spans = h.spans().get(layers - 1).toFloatArray(); // [n,q,2]
            Span[] out = new Span[n];
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bestP = -1;
                for (int j = 0; j < q; j++) {
                    double l0 = logits[(i * q + j) * 2];
                    double l1 = logits[(i * q + j) * 2 + 1];
                    double p = 1.0 / (1.0 + Math.exp(l1 - l0)); // softmax(...)[0]
                    if (p > bestP) {
                        bestP = p;
                        best = j;
                    }
                }
                out[i] = new Span(spans[(i * q + best) * 2], spans[(i * q + best) * 2 + 1], bestP);
            }
            return out;
        }
    }

    private static int[] validIndices(float[] mask) {
        int k = 0;
        for (float v : mask) {
            if (v != 0) {
                k++;
            }
        }
        int[] out = new int[k];
        k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                out[k++] = i;
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        params.close();
        manager.close();
    }
}
