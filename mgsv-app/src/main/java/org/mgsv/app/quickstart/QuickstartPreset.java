package org.mgsv.app.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mgsv.core.synth.SynthConfig;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.train.TrainOptions;

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
    public static final int VERSION = 1;

    public static final int DEFAULT_EPOCHS = 8;

    /** Per-frame latent noise of the quickstart benchmark (the generator's default is 1.0). */
    static final double FRAME_LATENT_NOISE = 0.5;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The default quickstart.
     * <ul>
     *   <li>data: {@link SynthConfig#quickstart()} (3,000 / 300 / 300 videos) with the given seed;</li>
     *   <li>model: MaDe at half width (d = 128, 4 heads, FFN 512), 1 DETR encoder and 2 decoder layers instead of
     *       2 + 6, enhancement dropout 0.1 instead of the reference's 0.8 (with a few thousand training pairs
     *       and minutes of training, the heavy dropout only slows learning down);</li>
     *   <li>recipe: the reference's (Adam, three groups, warm-up + cosine, clipping 1.0, its quirks) with batch
     *       32 instead of 512 (more updates per epoch on a small set) and lr 5e-4.</li>
     * </ul>
     */
    public static QuickstartPreset standard(long seed, int epochs) {
        SynthConfig synth = SynthConfig.quickstart().toBuilder().seed(seed).frameLatentNoise(FRAME_LATENT_NOISE).build();
        MadeConfig model = MadeConfig.builder()
                .dModel(128).enhancementHeads(4).enhancementFfnDim(512).enhancementDropout(0.1f)
                .detrHeads(4).detrFfnDim(512).detrEncoderLayers(1).detrDecoderLayers(2)
                .contrastiveDim(128)
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
                .contrastiveDim(16)
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
