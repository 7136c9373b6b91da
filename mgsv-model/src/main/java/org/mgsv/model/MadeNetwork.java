package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mgsv.core.MgsvException;

/**
 * The MaDe network (spec MADE.md §2) on a {@link MadeParams} registry: unimodal encoders with the reference's
 * enhancement layer, X-Pool matching, DETR moment detection and its heads.
 *
 * <p>All computations are differentiable; {@code training = true} enables the dropouts (0.8 enhancement,
 * 0.3 X-Pool, 0.1 DETR by default), {@code false} is inference. Results are attached to the manager of the
 * input arrays: run each step in its own sub-manager.
 */
public final class MadeNetwork {
    private static final String DETR = "detr_transformer.";

    private final MadeConfig c;
    private final MadeParams p;
    private final float eps;
    private final XPool xp;

    private final boolean packRows;

    public MadeNetwork(MadeParams params) {
        this(params, PACK_ROWS);
    }

    /**
     * @param packRows whether training runs the per-token layers on the valid slots only ({@link #packedRows};
     *                 the default, {@code -Dmgsv.train.packRows=false} turns it off); false: the padded layout
     */
    public MadeNetwork(MadeParams params, boolean packRows) {
        this.p = params;
        this.c = params.config();
        this.eps = c.layerNormEps();
        this.xp = new XPool(params);
        this.packRows = packRows;
    }

    /** Whether networks built with the one-argument constructor pack training rows ({@link #packedRows}). */
    public static boolean packsTrainingRows() {
        return PACK_ROWS;
    }

    public MadeConfig config() {
        return c;
    }

    public MadeParams params() {
        return p;
    }

    private NDArray w(String name) {
        return p.get(name);
    }

    // ------------------------------------------------------------------ full forward

    /** The whole network on one batch (videos and musics paired row by row). */
    public MadeOutput forward(MadeInputs in, boolean training) {
        return forward(in, training, this::detrDecode);
    }

    /** {@link #forward(MadeInputs, boolean)} with another (exact) implementation of {@link #detrDecode}. */
    public MadeOutput forward(MadeInputs in, boolean training, Decoder decoder) {
        checkInputs(in);
        Encoded v = encodeVideo(in.frameFeats(), in.frameMasks(), training);
        Encoded mu = encodeMusic(in.segmentFeats(), in.segmentMasks(), training);

        boolean needPooled = c.retrievalScore().usesSingle() || c.momentQuery().usesXPool();
        NDArray pooled = needPooled ? xpool(v.vector(), mu.tokens(), mu.mask(), training) : null;
        NDArray dual = c.retrievalScore().usesDual() ? dualSimilarity(v.vector(), mu.vector()) : null;
        NDArray single = c.retrievalScore().usesSingle() ? singleSimilarity(v.vector(), pooled) : null;
        NDArray sim = switch (c.retrievalScore()) {
            case DUAL -> dual;
            case SINGLE -> single;
            case BOTH -> dual.add(single);
        };

        Detection det = detect(v, mu, pooled, c.predictCenter() ? videoWidth(in) : null, decoder, training);
        Heads h = det.heads();
        long layers = det.layers();
        return new MadeOutput(v.tokens(), mu.tokens(), v.vector(), mu.vector(), pooled, dual, single, sim,
                det.memory(), det.hiddenStates(), h.logits(), h.spans(), h.projQueries(), det.projVid(),
                h.logits().get(layers - 1), h.spans().get(layers - 1));
    }

    private void checkInputs(MadeInputs in) {
        long b = in.frameFeats().getShape().get(0);
        expect("frame_feats", in.frameFeats(), new Shape(b, c.frameSlots(), c.frameFeatDim()));
        expect("frame_masks", in.frameMasks(), new Shape(b, c.frameSlots()));
        expect("segment_feats", in.segmentFeats(), new Shape(b, c.segmentSlots(), c.segmentFeatDim()));
        expect("segment_masks", in.segmentMasks(), new Shape(b, c.segmentSlots()));
    }

    private static void expect(String name, NDArray a, Shape s) {
        if (!a.getShape().equals(s)) {
            throw new MgsvException(name + ": expected shape " + MadeParams.shapeText(s) + ", got "
                    + MadeParams.shapeText(a.getShape()));
        }
    }

    /**
     * The fixed normalised width [B, Q, 1] of a center-only model: the video's duration (or, without durations,
     * its number of valid frames, one per second) divided by the maximum moment duration.
     */
    public NDArray videoWidth(MadeInputs in) {
        NDArray dur = in.videoDurations() != null
                ? in.videoDurations().toType(DataType.FLOAT32, false)
                : in.frameMasks().sum(new int[] {1});
        long b = dur.getShape().get(0);
        return dur.div(c.maxMDuration()).reshape(b, 1, 1).repeat(1, c.numMomentQueries());
    }

    // ------------------------------------------------------------------ unimodal encoders

    /** Encoded tokens [B, L, d] (padding zeroed), the L2-normalised masked mean [B, d], and the mask [B, L]. */
    public record Encoded(NDArray tokens, NDArray vector, NDArray mask) {}

    public Encoded encodeVideo(NDArray frameFeats, NDArray frameMasks, boolean training) {
        return encode(frameFeats, frameMasks, "vit_proj", "video_transformer", FixedTensors.VIDEO_PE, training);
    }

    public Encoded encodeMusic(NDArray segmentFeats, NDArray segmentMasks, boolean training) {
        return encode(segmentFeats, segmentMasks, "ast_proj", "audio_transformer", FixedTensors.AUDIO_PE, training);
    }

    private Encoded encode(NDArray feats, NDArray mask, String proj, String tr, String peName, boolean training) {
        NDManager m = feats.getManager();
        long b = feats.getShape().get(0);
        long len = feats.getShape().get(1);
        int d = c.dModel();
        mask = mask.toType(DataType.FLOAT32, false);
        PackedRows rows = c.enhancement() ? packedRows(mask, training) : null;
        NDArray x;
        if (rows != null) {
            // the valid slots only, from the input projection to the final linear (see packedRows)
            NDArray pe = positionTable(m, (int) len, d).broadcast(b, len, d);
            x = Ops.linear(rows.pack(feats), w(proj + ".weight"), w(proj + ".bias")).add(rows.pack(pe));
            NDArray bias = Attention.keyBias(mask);
            for (int l = 0; l < c.enhancementLayerCount(); l++) {
                String pre = tr + ".layers." + l + ".";
                x = NativeMemory.scoped(in -> packedEnhancementLayer(in[0], in[1], pre, training, rows), x, bias);
            }
            x = rows.unpack(Ops.linear(x, w(tr + ".final_linear.weight"), w(tr + ".final_linear.bias")));
        } else {
            NDArray mask3 = mask.reshape(b, len, 1);
            x = Ops.linear(feats.mul(mask3), w(proj + ".weight"), w(proj + ".bias"));
            if (c.enhancement()) {
                x = x.add(positionTable(m, (int) len, d));
                NDArray bias = Attention.keyBias(mask);
                NDArray guard = Attention.anyValid(mask);
                for (int l = 0; l < c.enhancementLayerCount(); l++) {
                    String pre = tr + ".layers." + l + ".";
                    x = NativeMemory.scoped(in -> enhancementLayer(in[0], in[1], in[2], pre, training), x, bias,
                            guard);
                }
                x = Ops.linear(x, w(tr + ".final_linear.weight"), w(tr + ".final_linear.bias"));
            }
            x = x.mul(mask3);
        }
        NDArray count = mask.sum(new int[] {1}, true); // [B,1]
        NDArray vec = Ops.l2normalize(x.sum(new int[] {1}).div(count));
        return new Encoded(x, vec, mask);
    }

    /** The reference's non-standard block: the residuals add the LayerNorm OUTPUT, not the block input. */
    private NDArray enhancementLayer(NDArray x, NDArray bias, NDArray guard, String pre, boolean training) {
        NDManager m = x.getManager();
        float dr = c.enhancementDropout();
        x = Ops.layerNorm(x, w(pre + "0.weight"), w(pre + "0.bias"), eps);
        x = Attention.mha(x, x, x, w(pre + "1.in_proj_weight"), w(pre + "1.in_proj_bias"),
                w(pre + "1.out_proj.weight"), w(pre + "1.out_proj.bias"), c.enhancementHeads(), bias, guard,
                dr, training, m).add(x);
        x = Ops.layerNorm(x, w(pre + "2.weight"), w(pre + "2.bias"), eps);
        NDArray f = Ops.gelu(Ops.linear(x, w(pre + "3.0.weight"), w(pre + "3.0.bias")));
        f = Ops.dropout(f, dr, training);
        f = Ops.dropout(Ops.linear(f, w(pre + "3.3.weight"), w(pre + "3.3.bias")), dr, training);
        return f.add(x);
    }

    /**
     * {@link #enhancementLayer} on packed tokens x [T, d] ({@link PackedRows}): the same operations, the same
     * dropout draws in the same order; only the attention's heads see the padded layout. Every row of a packed
     * batch has a valid slot, so the row guard is 1.
     */
    private NDArray packedEnhancementLayer(NDArray x, NDArray bias, String pre, boolean training, PackedRows rows) {
        float dr = c.enhancementDropout();
        x = Ops.layerNorm(x, w(pre + "0.weight"), w(pre + "0.bias"), eps);
        NDArray inW = w(pre + "1.in_proj_weight");
        NDArray qkv = rows.unpack(Ops.linear(x, inW, w(pre + "1.in_proj_bias")));
        NDArray heads = Attention.selfHeads(qkv, c.enhancementHeads(), bias, null, dr, training, inW.hasGradient());
        x = Ops.linear(rows.pack(heads), w(pre + "1.out_proj.weight"), w(pre + "1.out_proj.bias")).add(x);
        x = Ops.layerNorm(x, w(pre + "2.weight"), w(pre + "2.bias"), eps);
        NDArray f = Ops.gelu(Ops.linear(x, w(pre + "3.0.weight"), w(pre + "3.0.bias")));
        f = rows.dropout(f, dr, training);
        f = rows.dropout(Ops.linear(f, w(pre + "3.3.weight"), w(pre + "3.3.bias")), dr, training);
        return f.add(x);
    }

    /**
     * The packed rows of a {0,1} mask for the training pass, or null (padded layout). Training runs the encoders'
     * and the DETR encoder's layers on the valid slots only ({@link PackedRows}: exact, since the padded slots'
     * values reach no valid slot and no loss); inference keeps the padded layout, whose padded slots are compared
     * with the reference's, and so does a batch without padding or a row without a valid slot (the row guard's
     * case). {@code -Dmgsv.train.packRows=false} keeps the padded layout in training too.
     */
    private PackedRows packedRows(NDArray mask, boolean training) {
        if (!training || !packRows) {
            return null;
        }
        PackedRows rows = PackedRows.of(mask);
        return rows.hasPadding() && rows.everyRowValid() ? rows : null;
    }

    private static final boolean PACK_ROWS = !"false".equals(System.getProperty("mgsv.train.packRows"));

    /** The first {@code len} rows of the sinusoidal table, [1, len, d] (the reference's buffer rows). */
    private static NDArray positionTable(NDManager m, int len, int d) {
        return NativeMemory.owned(m, FixedTensors.sinusoidTable(len, d), new Shape(1, len, d));
    }

    // ------------------------------------------------------------------ X-Pool

    /**
     * X-Pool ({@link XPool}): h1(M|v) for every (music, video) pair, [B_musics, B_videos, d].
     *
     * @param videoVec      [Bv, d] h(v)
     * @param segmentTokens [Bm, S, d]
     * @param segmentMasks  [Bm, S]
     */
    public NDArray xpool(NDArray videoVec, NDArray segmentTokens, NDArray segmentMasks, boolean training) {
        return xpool(videoVec, xpoolMusic(segmentTokens, segmentMasks), training);
    }

    /** The music side of X-Pool, which does not depend on the video (see {@link XPool#music}). */
    public XPool.Music xpoolMusic(NDArray segmentTokens, NDArray segmentMasks) {
        return xp.music(segmentTokens, segmentMasks);
    }

    /** X-Pool from its music side ({@link #xpoolMusic}): [B_musics, B_videos, d]. */
    public NDArray xpool(NDArray videoVec, XPool.Music music, boolean training) {
        return xp.pool(videoVec, music, training);
    }

    /** cos(h(v), h0(M)) as [Bv, Bm]. */
    public static NDArray dualSimilarity(NDArray videoVec, NDArray musicVec) {
        return Ops.l2normalize(videoVec).matMul(Ops.l2normalize(musicVec).transpose());
    }

    /** cos(h(v), h1(M|v)) as [Bv, Bm] from pooled [Bm, Bv, d]. */
    public static NDArray singleSimilarity(NDArray videoVec, NDArray pooled) {
        NDArray v = Ops.l2normalize(videoVec).expandDims(0); // [1,Bv,d]
        return Ops.l2normalize(pooled).mul(v).sum(new int[] {2}).transpose(); // [Bv,Bm]
    }

    /** The initial moment queries [B, Q, d] for the config's moment-query type. */
    public NDArray initialQueries(NDArray videoVec, NDArray musicVec, NDArray pooled) {
        long b = videoVec.getShape().get(0);
        int q = c.numMomentQueries();
        int d = c.dModel();
        NDArray base = switch (c.momentQuery()) {
            case VIDEO -> videoVec;
            case MUSIC -> musicVec;
            // the reference averages h1(M_i|v) over the batch's videos (so it depends on the batch)
            case XPOOL -> pooled.mean(new int[] {1});
            case XPOOL_PAIRED -> pairedXPool(pooled);
            case ZERO -> null;
        };
        if (base == null) {
            return videoVec.getManager().zeros(new Shape(b, q, d));
        }
        return base.reshape(b, 1, d).repeat(1, q);
    }

    /** The diagonal h1(M_i|v_i) [B, d] of X-Pool vectors [B_musics, B_videos, d] of paired rows. */
    public static NDArray pairedXPool(NDArray pooled) {
        long b = pooled.getShape().get(0);
        try (NDArray eye = pooled.getManager().eye((int) b)) {
            return pooled.mul(eye.expandDims(2)).sum(new int[] {1});
        }
    }

    // ------------------------------------------------------------------ DETR

    /** An implementation of {@link #detrDecode}: decoder hidden states [L, B, Q, d] (after decoder.norm). */
    @FunctionalInterface
    public interface Decoder {
        NDArray decode(DetrMemory mem, NDArray target, boolean training);
    }

    /**
     * Moment detection of paired rows: DETR encoder output [B, F+S, d], decoder hidden states [L, B, Q, d]
     * (after decoder.norm), the heads of every layer and the normalised projected frame tokens [B, F, c].
     */
    public record Detection(NDArray memory, NDArray hiddenStates, Heads heads, NDArray projVid) {
        /** The number of decoder layers L. */
        public long layers() {
            return hiddenStates.getShape().get(0);
        }
    }

    /**
     * Moment detection on encoded paired rows: the initial moment queries, src = concat(frame tokens, segment
     * tokens), sine position over the concatenated mask, post-norm encoder, the decoder (self-attention always on
     * and query_pos added in every layer), the heads and the frames' contrastive projection.
     *
     * @param pooled  X-Pool vectors [B_musics, B_videos, d] when the moment query uses them, else null
     * @param width   see {@link #heads}
     * @param decoder {@code this::detrDecode} or an exact rewrite of it
     */
    public Detection detect(Encoded v, Encoded mu, NDArray pooled, NDArray width, Decoder decoder, boolean training) {
        NDArray target = initialQueries(v.vector(), mu.vector(), pooled);
        DetrMemory mem = detrEncode(v.tokens(), v.mask(), mu.tokens(), mu.mask(), training);
        NDArray hidden = decoder.decode(mem, target, training);
        Heads h = heads(hidden, width);
        NDArray projVid = Ops.l2normalize(Ops.linear(v.tokens(),
                w("contrastive_align_projection_vid.weight"), w("contrastive_align_projection_vid.bias")));
        return new Detection(mem.memory(), hidden, h, projVid);
    }

    /**
     * DETR encoder output with what the decoder needs: memory [B,L,d], memory + pos [B,L,d], the additive key
     * mask [B,1,1,L] and the fully-masked-row guard [B,1,1,1].
     */
    public record DetrMemory(NDArray memory, NDArray memoryPos, NDArray keyBias, NDArray rowGuard) {}

    /** Concatenates the two token sets and runs the DETR encoder (post-norm, ReLU). */
    public DetrMemory detrEncode(NDArray frameTokens, NDArray frameMasks, NDArray segmentTokens, NDArray segmentMasks,
            boolean training) {
        NDArray src = NDArrays.concat(new NDList(frameTokens, segmentTokens), 1);
        NDArray mask = NDArrays.concat(new NDList(frameMasks.toType(DataType.FLOAT32, false),
                segmentMasks.toType(DataType.FLOAT32, false)), 1);
        return detrEncode(src, mask, training);
    }

    /**
     * The DETR encoder on already concatenated tokens [B, L, d] and their {0,1} mask [B, L] (the sine position
     * is computed over this mask).
     */
    public DetrMemory detrEncode(NDArray src, NDArray mask, boolean training) {
        NDArray pos = sinePosition(mask, c.dModel());
        NDArray bias = Attention.keyBias(mask);
        NDArray guard = Attention.anyValid(mask);
        PackedRows rows = packedRows(mask, training);
        if (rows != null) {
            NDArray packedPos = rows.pack(pos);
            NDArray x = rows.pack(src);
            for (int l = 0; l < c.detrEncoderLayers(); l++) {
                String pre = DETR + "encoder.layers." + l + ".";
                x = NativeMemory.scoped(in -> packedEncoderLayer(in[0], in[1], in[2], pre, training, rows), x,
                        packedPos, bias);
            }
            x = rows.unpack(x);
            return new DetrMemory(x, x.add(pos), bias, guard);
        }
        NDArray x = src;
        for (int l = 0; l < c.detrEncoderLayers(); l++) {
            String pre = DETR + "encoder.layers." + l + ".";
            x = NativeMemory.scoped(in -> encoderLayer(in[0], in[1], in[2], in[3], pre, training), x, pos, bias, guard);
        }
        return new DetrMemory(x, x.add(pos), bias, guard);
    }

    private NDArray encoderLayer(NDArray x, NDArray pos, NDArray bias, NDArray guard, String pre, boolean training) {
        NDManager m = x.getManager();
        float dr = c.detrDropout();
        NDArray qk = x.add(pos);
        NDArray a = Attention.mha(qk, qk, x, w(pre + "self_attn.in_proj_weight"), w(pre + "self_attn.in_proj_bias"),
                w(pre + "self_attn.out_proj.weight"), w(pre + "self_attn.out_proj.bias"), c.detrHeads(), bias, guard,
                dr, training, m);
        x = Ops.layerNorm(x.add(Ops.dropout(a, dr, training)), w(pre + "norm1.weight"), w(pre + "norm1.bias"), eps);
        NDArray f = ffn(x, pre, dr, training);
        return Ops.layerNorm(x.add(Ops.dropout(f, dr, training)), w(pre + "norm2.weight"), w(pre + "norm2.bias"), eps);
    }

    /** {@link #encoderLayer} on packed tokens x [T, d] and their positions [T, d] ({@link PackedRows}). */
    private NDArray packedEncoderLayer(NDArray x, NDArray pos, NDArray bias, String pre, boolean training,
            PackedRows rows) {
        NDManager m = x.getManager();
        float dr = c.detrDropout();
        NDArray inW = w(pre + "self_attn.in_proj_weight");
        NDArray inB = w(pre + "self_attn.in_proj_bias");
        NDArray qk = rows.unpack(Attention.projectQk(x.add(pos), inW, inB, m));
        NDArray v = rows.unpack(Attention.projectV(x, inW, inB, m));
        NDArray heads = Attention.selfHeads(qk, v, c.detrHeads(), bias, null, dr, training, inW.hasGradient());
        NDArray a = Ops.linear(rows.pack(heads), w(pre + "self_attn.out_proj.weight"),
                w(pre + "self_attn.out_proj.bias"));
        x = Ops.layerNorm(x.add(rows.dropout(a, dr, training)), w(pre + "norm1.weight"), w(pre + "norm1.bias"), eps);
        NDArray h = Ops.relu(Ops.linear(x, w(pre + "linear1.weight"), w(pre + "linear1.bias")));
        NDArray f = Ops.linear(rows.dropout(h, dr, training), w(pre + "linear2.weight"), w(pre + "linear2.bias"));
        return Ops.layerNorm(x.add(rows.dropout(f, dr, training)), w(pre + "norm2.weight"), w(pre + "norm2.bias"),
                eps);
    }

    /** The DETR decoder: every layer's output after the shared decoder.norm, [L, B, Q, d]. */
    public NDArray detrDecode(DetrMemory mem, NDArray target, boolean training) {
        NDManager m = target.getManager();
        float dr = c.detrDropout();
        NDArray qpos = w("decoder_query_embed.weight").expandDims(0); // [1,Q,d]
        // moved to the step's manager, or every call leaves one array with the parameters' manager
        qpos.attach(m);
        NDArray t = target;
        NDArray[] hidden = new NDArray[c.detrDecoderLayers()];
        for (int l = 0; l < c.detrDecoderLayers(); l++) {
            String pre = DETR + "decoder.layers." + l + ".";
            // self-attention always runs (the reference's decoder_SA switch never reaches the decoder)
            NDArray tq = t.add(qpos);
            NDArray a = Attention.mha(tq, tq, t, w(pre + "self_attn.in_proj_weight"), w(pre + "self_attn.in_proj_bias"),
                    w(pre + "self_attn.out_proj.weight"), w(pre + "self_attn.out_proj.bias"), c.detrHeads(), null, null,
                    dr, training, m);
            t = Ops.layerNorm(t.add(Ops.dropout(a, dr, training)), w(pre + "norm1.weight"), w(pre + "norm1.bias"), eps);
            NDArray ca = Attention.mha(t.add(qpos), mem.memoryPos(), mem.memory(),
                    w(pre + "multihead_attn.in_proj_weight"), w(pre + "multihead_attn.in_proj_bias"),
                    w(pre + "multihead_attn.out_proj.weight"), w(pre + "multihead_attn.out_proj.bias"), c.detrHeads(),
                    mem.keyBias(), mem.rowGuard(), dr, training, m);
            t = Ops.layerNorm(t.add(Ops.dropout(ca, dr, training)), w(pre + "norm2.weight"), w(pre + "norm2.bias"), eps);
            NDArray f = ffn(t, pre, dr, training);
            t = Ops.layerNorm(t.add(Ops.dropout(f, dr, training)), w(pre + "norm3.weight"), w(pre + "norm3.bias"), eps);
            hidden[l] = Ops.layerNorm(t, w(DETR + "decoder.norm.weight"), w(DETR + "decoder.norm.bias"), eps);
        }
        return NDArrays.stack(new NDList(hidden), 0);
    }

    private NDArray ffn(NDArray x, String pre, float dr, boolean training) {
        if (!training || dr <= 0f) {
            return Ops.reluFeedForward(x, w(pre + "linear1.weight"), w(pre + "linear1.bias"), w(pre + "linear2.weight"),
                    w(pre + "linear2.bias"));
        }
        NDArray h = Ops.relu(Ops.linear(x, w(pre + "linear1.weight"), w(pre + "linear1.bias")));
        return Ops.linear(Ops.dropout(h, dr, training), w(pre + "linear2.weight"), w(pre + "linear2.bias"));
    }

    /**
     * DETR's normalised sine embedding over a {0,1} mask [B, L]: e = cumsum(mask)/(last + 1e-6)·2π, dim i uses
     * e / 10000^(2⌊i/2⌋/d), sin on even i and cos on odd i. [B, L, d].
     */
    public static NDArray sinePosition(NDArray mask, int d) {
        NDManager m = mask.getManager();
        long b = mask.getShape().get(0);
        long len = mask.getShape().get(1);
        NDArray e = mask.cumSum(1);
        NDArray last = e.get(new NDIndex(":, -1:"));
        e = e.div(last.add(1e-6f)).mul((float) (2 * Math.PI));
        float[] inv = new float[d];
        float[] even = new float[d];
        for (int i = 0; i < d; i++) {
            float expo = (float) (2 * (i / 2)) / (float) d;
            inv[i] = (float) Math.pow(10000.0, expo);
            even[i] = (i % 2 == 0) ? 1f : 0f;
        }
        NDArray x = e.reshape(b, len, 1).div(NativeMemory.owned(m, inv, new Shape(1, 1, d)));
        NDArray ev = NativeMemory.owned(m, even, new Shape(1, 1, d));
        return x.sin().mul(ev).add(x.cos().mul(ev.neg().add(1f)));
    }

    // ------------------------------------------------------------------ heads

    /** Per-layer class logits [L,B,Q,2], spans [L,B,Q,2] and normalised query projections [L,B,Q,c]. */
    public record Heads(NDArray logits, NDArray spans, NDArray projQueries) {}

    /**
     * @param width [B, Q, 1] fixed normalised width when the config predicts the center only, else null
     */
    public Heads heads(NDArray hidden, NDArray width) {
        NDArray logits = Ops.linear(hidden, w("class_embed.weight"), w("class_embed.bias"));
        NDArray s = Ops.relu(Ops.linear(hidden, w("span_embed.layers.0.weight"), w("span_embed.layers.0.bias")));
        s = Ops.relu(Ops.linear(s, w("span_embed.layers.1.weight"), w("span_embed.layers.1.bias")));
        s = Ops.linear(s, w("span_embed.layers.2.weight"), w("span_embed.layers.2.bias"));
        // start-anchored: the output is the start itself, unsquashed (a sigmoid saturated early in training and
        // the start collapsed to one value for every query)
        NDArray spans = c.startAnchored() ? s : ai.djl.nn.Activation.sigmoid(s);
        if (c.predictCenter()) {
            long layers = hidden.getShape().get(0);
            NDArray wd = width.expandDims(0).repeat(0, layers);
            if (c.startAnchored()) {
                spans = spans.add(Ops.mul(wd, 0.5f)); // start + width / 2
            }
            spans = NDArrays.concat(new NDList(spans, wd), -1);
        }
        NDArray pq = Ops.l2normalize(Ops.linear(hidden, w("contrastive_align_projection_query.weight"),
                w("contrastive_align_projection_query.bias")));
        return new Heads(logits, spans, pq);
    }
}
