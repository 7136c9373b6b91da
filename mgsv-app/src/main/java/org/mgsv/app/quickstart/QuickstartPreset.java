package org.mgsv.app.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.train.TrainOptions;
import org.mgsv.synth.SynthConfig;

/**
 * What the quickstart runs: the synthetic benchmark, the model size and the training recipe.
 *
 * <p>{@link #standard} is sized for about five minutes on an idle 2-core laptop: see {@code README.md}
 * ("Quickstart") for the measured figures and why each value was chosen. {@link #tiny} is a seconds-long
 * smoke version of the same pipeline (a few dozen videos, a 16-wide model) for tests; it is not expected to
 * learn much.
 *
 * @param name      "standard" or "tiny"
 * @param synth     the benchmark generated into {@code <out>/data}
 * @param model     the network trained
 * @param train     the training recipe
 * @param pick      which checkpoint of the run becomes {@code <out>/model} ({@code last} or a best-* directory)
 */
public record QuickstartPreset(String name, SynthConfig synth, MadeConfig model, TrainOptions train, String pick) {

    /** Bump when the same preset would produce a different model (invalidates reused models). */
    public static final int VERSION = 4;

    public static final int DEFAULT_EPOCHS = 16;

    /** Per-frame latent noise of the quickstart benchmark (the generator's default is 0.9). */
    static final double FRAME_LATENT_NOISE = 0.5;

    /** Share of sections that repeat an earlier one of the track (the generator's default is 0.35). */
    static final double REPEAT_RATE = 0.1;

    /** Share of section moods drawn from the palette shared by all tracks (the generator's default is 0.75). */
    static final double PALETTE_SHARE = 0.3;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The default quickstart (choices measured on the quickstart benchmark; see README "Quickstart"):
     * <ul>
     *   <li>data: {@link SynthConfig#quickstart()} (3,000 / 300 / 300 videos) with the given seed, per-frame
     *       latent noise {@value #FRAME_LATENT_NOISE}, section repeat rate {@value #REPEAT_RATE} and
     *       shared-palette share {@value #PALETTE_SHARE} instead of the generator's 0.9 / 0.35 / 0.75 (less
     *       ambiguous moments; the track is still not identifiable from one frame);</li>
     *   <li>model: MaDe at a quarter of the reference width (d = 64, 4 heads, FFN 256), 1 DETR encoder and 2
     *       decoder layers instead of 2 + 6, dropout 0.1 / X-Pool 0 / DETR 0.1 (the reference's 0.8 / 0.3 / 0.1
     *       are for 100 epochs on 49k videos; in a few minutes the model underfits). A step costs 0.15-0.19
     *       CPU-s (0.40 at d = 128), so the budget buys {@value #DEFAULT_EPOCHS} epochs;</li>
     *   <li>moment head: the width is the video's length, as in the paper's "predict center only" variant
     *       ({@link MadeConfig#predictCenter}): in MGSV-EC (and so in the synthetic benchmark) the music moment is
     *       as long as the video by construction. Learning the width cost the small model its localisation
     *       (lengths off by a median 2.7 s; test mIoU 0.467 against the "start 0" prior's 0.464). The head predicts
     *       the moment's start ({@link MadeConfig#startAnchored}; center = start + width / 2): regressing the
     *       center, as the paper does, still needs the video's length to place a moment at the track's start and
     *       measured 0.444; with the start, 0.483 (moments at the start: 0.81 instead of 0.65-0.72);</li>
     *   <li>moment query: the pair's own X-Pool vector h1(M|v) ({@link MadeConfig.MomentQuery#XPOOL_PAIRED}, ours)
     *       instead of the video vector: it is the music windows that the video attends to, position embedding
     *       included, so the decoder starts near the moment. Test mIoU 0.622 instead of 0.483 (moments after
     *       40 s: 0.38 instead of 0.25; at the start: 0.92 instead of 0.81);</li>
     *   <li>recipe: the reference's (Adam, three parameter groups, warm-up + cosine, per-group clipping 1.0, its
     *       quirks) with batch 32 instead of 512 (more updates on a small set) and lr 5e-4 (1e-3 learnt more
     *       slowly).</li>
     * </ul>
     */
    public static QuickstartPreset standard(long seed, int epochs) {
        SynthConfig synth = SynthConfig.quickstart().toBuilder().seed(seed).frameLatentNoise(FRAME_LATENT_NOISE)
                .repeatRate(REPEAT_RATE).paletteShare(PALETTE_SHARE)
                .build();
        int d = 64;
        MadeConfig model = MadeConfig.builder()
                .dModel(d).enhancementHeads(4).enhancementFfnDim(4 * d).enhancementDropout(0.1f)
                .xpoolDropout(0f)
                .detrHeads(4).detrFfnDim(4 * d).detrEncoderLayers(1).detrDecoderLayers(2).detrDropout(0.1f)
                .contrastiveDim(d).predictCenter(true).startAnchored(true)
                .momentQuery(MadeConfig.MomentQuery.XPOOL_PAIRED)
                .build();
        TrainOptions train = TrainOptions.reference().withEpochs(epochs).withBatchSize(32).withEvalBatchSize(64)
                .withLr(5e-4).withSeed(seed);
        return new QuickstartPreset("standard", synth, model, train, "last");
    }

    /** A seconds-long version of the pipeline for tests (tiny benchmark and model). */
    public static QuickstartPreset tiny(long seed, int epochs) {
        SynthConfig synth = SynthConfig.quickstart().toBuilder().seed(seed)
                .trainVideos(64).valVideos(16).testVideos(16).build();
        MadeConfig model = MadeConfig.builder()
                .dModel(16).enhancementHeads(2).enhancementFfnDim(32).enhancementDropout(0.1f)
                .detrHeads(2).detrFfnDim(32).detrEncoderLayers(1).detrDecoderLayers(1)
                .contrastiveDim(16).predictCenter(true).startAnchored(true)
                .momentQuery(MadeConfig.MomentQuery.XPOOL_PAIRED)
                .build();
        TrainOptions train = TrainOptions.reference().withEpochs(epochs).withBatchSize(16).withEvalBatchSize(16)
                .withLr(3e-3).withSeed(seed);
        return new QuickstartPreset("tiny", synth, model, train, "last");
    }

    /** Everything that determines the trained model, as JSON (a reused model must match it exactly). */
    public String fingerprint() {
        ObjectNode n = JSON.createObjectNode();
        n.put("quickstart_version", VERSION);
        n.put("preset", name);
        n.put("synth_generator_version", SynthConfig.GENERATOR_VERSION);
        n.set("synth", JSON.valueToTree(synth));
        try {
            n.set("model", JSON.readTree(model.toJson()));
            n.set("train", JSON.valueToTree(train));
            n.put("pick", pick);
            return JSON.writeValueAsString(n) + "\n";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
