package org.mgsv.model;

/**
 * Floating-point operations of the MaDe network's matrix products (2 per multiply-add; element-wise work, softmax,
 * LayerNorm and the losses' other terms are not counted; the alignment loss's query·frames logits are), from a {@link MadeConfig} and the shapes of the work. One home for the
 * formula that every benchmark divides by its time to report GFLOP/s and the fraction of the machine's peak.
 *
 * <p>What is counted is the arithmetic of the algorithm as this project runs it, at full slot lengths: the
 * single-query decoder ({@code FastDecoder}) when the model has one moment query, the streamed evaluator's X-Pool
 * scorer, the search's per-track X-Pool ({@link XPool}). Recomputation is not counted (a micro-batched training step encodes twice;
 * its figure is the single-pass arithmetic, as model-FLOP utilisation is usually reported). Evaluation and search
 * drop padding where they can, so their figures at full slots are upper bounds of the work done.
 *
 * <p>Backward: a product Y = X·W costs its forward once more for ∂X and once for ∂W; the first projection of the
 * input features has no ∂X (the features are not trained), so its backward is one forward.
 */
public final class MadeFlops {
    private MadeFlops() {}

    /** {@code rows} × [in → out] (a Linear layer on {@code rows} tokens). */
    static double lin(double rows, double in, double out) {
        return 2.0 * rows * in * out;
    }

    /** Forward and backward of one training step of {@code batch} pairs (whole batch, single pass). */
    public static double trainStep(MadeConfig c, int batch) {
        return trainStepPacked(c, batch, c.frameSlots(), c.segmentSlots());
    }

    /**
     * {@link #trainStep} as the trainer does it: every per-token product of the towers and of the DETR encoder on the
     * valid slots only ({@code frames}, {@code segments}: mean valid lengths of the batch's rows), the attention
     * products, X-Pool, the decoder and the frame projection on every slot, as they run on the padded layout. At full
     * lengths, {@link #trainStep}.
     */
    public static double trainStepPacked(MadeConfig c, int batch, double frames, double segments) {
        double first = inputProjections(c, batch, frames, segments);
        return first * 2 + (trainForward(c, batch, frames, segments) - first) * 3;
    }

    /** The forward of one training step (as {@link #trainStep} counts it). */
    public static double trainForward(MadeConfig c, int batch) {
        return trainForward(c, batch, c.frameSlots(), c.segmentSlots());
    }

    /** {@link #trainForward(MadeConfig, int)} with the per-token products on {@code frames} + {@code segments} a row. */
    private static double trainForward(MadeConfig c, int batch, double frames, double segments) {
        double b = batch;
        return inputProjections(c, b, frames, segments) + encoder(c, b, c.frameSlots(), frames)
                + encoder(c, b, c.segmentSlots(), segments) + xpoolTraining(c, b)
                + detection(c, b, c.frameSlots() + c.segmentSlots(), frames + segments, c.detrDecoderLayers(), true)
                + lin(b, c.dModel(), b) // dual similarity
                + c.detrDecoderLayers() * lin(b * c.numMomentQueries(), c.contrastiveDim(), 1); // alignment logits
    }

    /**
     * The streamed MsG evaluation of {@code n} pairs with {@code musics} distinct musics: pass 1 encodes the n pairs,
     * detects the moment of each (last decoder layer's heads only) and scores the diagonal; pass 2 scores every
     * (video, music) pair with the X-Pool scorer (music sides prepared once per music). Pass 1 scores all pairs of
     * its chunks of {@code chunk} rows.
     */
    public static double msgEval(MadeConfig c, int n, int musics, int chunk) {
        double len = c.frameSlots() + c.segmentSlots();
        double pass1 = inputProjections(c, n) + encoders(c, n) + detection(c, n, len, 1, false)
                + xpoolScorerVideos(c, n) + xpoolScorerMusics(c, n) + xpoolScorerPairs(c, (double) n * Math.min(chunk, n));
        double pass2 = xpoolScorerMusics(c, musics) + xpoolScorerPairs(c, (double) n * musics);
        return pass1 + pass2;
    }

    /**
     * The useful matrix work of an MsG evaluation whose rows have {@code frames[i]} valid frames and
     * {@code segments[i]} valid segments (one distinct music per row): each tower on its row's valid tokens, DETR
     * on frames + segments tokens, the X-Pool scorer on each music's valid segments against every video. What an
     * implementation that never computes a padded slot does, hence a lower bound for any, and the honest
     * denominator of a fraction of peak ({@link #msgEval} counts full slots, as a padded implementation computes).
     */
    public static double msgEvalValid(MadeConfig c, int[] frames, int[] segments) {
        int n = frames.length;
        if (segments.length != n) {
            throw new IllegalArgumentException("frames and segments differ in length: " + n + " vs " + segments.length);
        }
        double d = c.dModel();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double f = frames[i];
            double s = segments[i];
            total += lin(f, c.frameFeatDim(), d) + lin(s, c.segmentFeatDim(), d) + encoder(c, 1, f) + encoder(c, 1, s)
                    + detection(c, 1, f + s, 1, false) + xpoolScorerVideos(c, 1)
                    + 2 * xpoolScorerMusics(c, 1, s) + xpoolScorerPairs(c, n + 1.0, s); // pass 1 and pass 2
        }
        return total;
    }

    /**
     * One search query with the video's features given: the video tower, a dual-score scan of {@code tracks}
     * catalog vectors, the X-Pool single score of the {@code shortlist} tracks (plain per-track X-Pool with the key
     * projection folded into the query) and moment detection of the {@code top} results.
     */
    public static double searchQuery(MadeConfig c, int tracks, int shortlist, int top) {
        double d = c.dModel();
        double s = c.segmentSlots();
        double video = lin(c.frameSlots(), c.frameFeatDim(), d) + encoder(c, 1, c.frameSlots());
        double scan = lin(1, d, tracks);
        double query = 2 * lin(1, d, d); // W_q, W_kᵀ
        double perTrack = 2 * s * d * 2 + 3 * lin(1, d, d); // logits and Σ p k̃ over S tokens; W_v, W_o, linear_proj
        double xq = c.momentQuery().usesXPool() ? xpoolPlain(c, top, 1) : 0;
        // the heads run on every decoder layer's output
        double detect = detection(c, top, c.frameSlots() + s, c.detrDecoderLayers(), false) + xq;
        return video + scan + query + shortlist * perTrack + detect;
    }

    // ------------------------------------------------------------------ parts

    /** vit_proj and ast_proj on every slot. */
    static double inputProjections(MadeConfig c, double b) {
        return inputProjections(c, b, c.frameSlots(), c.segmentSlots());
    }

    /** vit_proj on {@code frames} and ast_proj on {@code segments} tokens of each of {@code b} rows. */
    private static double inputProjections(MadeConfig c, double b, double frames, double segments) {
        return lin(b * frames, c.frameFeatDim(), c.dModel()) + lin(b * segments, c.segmentFeatDim(), c.dModel());
    }

    /** Both towers after their input projection (enhancement layers + final_linear). */
    static double encoders(MadeConfig c, double b) {
        return encoder(c, b, c.frameSlots()) + encoder(c, b, c.segmentSlots());
    }

    /** One tower's enhancement layers and final linear on {@code len} tokens. */
    static double encoder(MadeConfig c, double b, double len) {
        return encoder(c, b, len, len);
    }

    /** {@link #encoder(MadeConfig, double, double)} with its per-token products on {@code tokens} of the len slots. */
    private static double encoder(MadeConfig c, double b, double len, double tokens) {
        if (!c.enhancement()) {
            return 0;
        }
        return b * tokens * perTokenEncoder(c) + c.enhancementLayerCount() * attention(b, len, len, c.dModel());
    }

    /** A tower's products per token: in/out projections and FFN of each enhancement layer, then final_linear. */
    private static double perTokenEncoder(MadeConfig c) {
        double d = c.dModel();
        double layer = lin(1, d, 3 * d) + lin(1, d, d) + lin(1, d, c.enhancementFfnDim())
                + lin(1, c.enhancementFfnDim(), d);
        return c.enhancementLayerCount() * layer + lin(1, d, d);
    }

    /** The DETR encoder's products per token: in/out projections and FFN of each layer. */
    private static double perTokenDetr(MadeConfig c) {
        double d = c.dModel();
        double fd = c.detrFfnDim();
        return c.detrEncoderLayers() * (lin(1, d, 3 * d) + lin(1, d, d) + lin(1, d, fd) + lin(1, fd, d));
    }

    /** Logits q·k and the weighted sum of values: 2 · (2 · lq · lk · d) per row (all heads together). */
    static double attention(double b, double lq, double lk, double d) {
        return 2 * (2 * b * lq * lk * d);
    }

    /** X-Pool of training: every (music, video) pair of the batch ({@link XPool#pool}), when it is used. */
    static double xpoolTraining(MadeConfig c, double b) {
        boolean used = c.retrievalScore().usesSingle() || c.momentQuery().usesXPool();
        return used ? xpoolPlain(c, b, b) : 0;
    }

    /**
     * {@link XPool#pool} for {@code bm} musics × {@code bv} videos: W_q and W_kᵀ per video, logits and pooling over
     * the S LayerNorm-1 tokens per pair, W_v, out_proj and linear_proj per pair.
     */
    static double xpoolPlain(MadeConfig c, double bm, double bv) {
        double d = c.dModel();
        double s = c.segmentSlots();
        return 2 * lin(bv, d, d) + attention(bm * bv, 1, s, d) + 3 * lin(bm * bv, d, d);
    }

    /**
     * DETR encoder on {@code len} tokens, the decoder, the heads (class, span, query projection) on
     * {@code headLayers} decoder outputs and, when {@code frameProjection}, the frames' contrastive projection.
     */
    static double detection(MadeConfig c, double b, double len, int headLayers, boolean frameProjection) {
        return detection(c, b, len, len, headLayers, frameProjection);
    }

    /** {@link #detection(MadeConfig, double, double, int, boolean)}, the encoder's per-token products on tokens. */
    private static double detection(MadeConfig c, double b, double len, double tokens, int headLayers,
            boolean frameProjection) {
        double d = c.dModel();
        double fd = c.detrFfnDim();
        double q = c.numMomentQueries();
        double enc = b * tokens * perTokenDetr(c) + c.detrEncoderLayers() * attention(b, len, len, d);
        double dec;
        if (q == 1) {
            // FastDecoder: self-attention = out_proj(W_v t); cross-attention: W_q, r_h = W_kᵀ q_h, logits and pooling
            // over the raw memory (H · len · d each), W_v on the pooled vectors, out_proj
            double h = c.detrHeads();
            double layer = 2 * lin(b, d, d) + 2 * lin(b, d, d) + 2 * (2 * b * h * len * d) + 2 * lin(b, d, d)
                    + lin(b, d, fd) + lin(b, fd, d);
            dec = c.detrDecoderLayers() * layer;
        } else {
            double layer = lin(b * q, d, 3 * d) + attention(b, q, q, d) + lin(b * q, d, d) // self-attention
                    + lin(b * q, d, d) + 2 * lin(b * len, d, d) + attention(b, q, len, d) + lin(b * q, d, d)
                    + lin(b * q, d, fd) + lin(b * q, fd, d);
            dec = c.detrDecoderLayers() * layer;
        }
        double heads = lin(b * q, d, 2) + 2 * lin(b * q, d, d) + lin(b * q, d, c.spanOutDim())
                + lin(b * q, d, c.contrastiveDim());
        return enc + dec + headLayers * heads + (frameProjection ? lin(b * c.frameSlots(), d, c.contrastiveDim()) : 0);
    }

    /** XPoolScorer.prepareVideos: W_q on each video. */
    static double xpoolScorerVideos(MadeConfig c, double nv) {
        return lin(nv, c.dModel(), c.dModel());
    }

    /** XPoolScorer.prepareMusics: keys, folded values, M·ū, three S×S Gram matrices, three S-vectors per music. */
    static double xpoolScorerMusics(MadeConfig c, double nm) {
        return xpoolScorerMusics(c, nm, c.segmentSlots());
    }

    static double xpoolScorerMusics(MadeConfig c, double nm, double s) {
        double d = c.dModel();
        return 3 * lin(nm * s, d, d) + 3 * lin(nm * s, d, s) + lin(nm * s, d, 3);
    }

    /** XPoolScorer.score per (music, video) pair: logits, the Gram products, the S-vectors, W̄(γ3⊙h), dual. */
    static double xpoolScorerPairs(MadeConfig c, double pairs) {
        return xpoolScorerPairs(c, pairs, c.segmentSlots());
    }

    static double xpoolScorerPairs(MadeConfig c, double pairs, double s) {
        double d = c.dModel();
        return pairs * (2 * s * d + 2 * 3 * s * s + 2 * 3 * s + 2 * s * d + 2 * d);
    }
}
