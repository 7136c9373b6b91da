package org.mgsv.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mgsv.core.MgsvException;

/**
 * Every switch of the MaDe network, immutable and JSON-serialisable. The defaults are the reference
 * configuration (the upstream training script): d = 256, 50 frame slots, 96 segment slots, one enhancement layer
 * with 8 heads / FFN 1024 / dropout 0.8, X-Pool dropout 0.3, DETR 2 encoder + 6 decoder layers with 8 heads /
 * FFN 1024 / dropout 0.1, one moment query initialised from the video vector, retrieval score dual + single.
 *
 * <p>Ablation switches (the paper's): {@link #retrievalScore}, {@link #momentQuery}, {@link #predictCenter},
 * {@link #numMomentQueries}, {@link #enhancement}; and ours: {@link #startAnchored} (with predictCenter, the head
 * predicts the start). JSON read with {@link #fromJson} fills missing fields with the
 * defaults and rejects unknown ones.
 */
@JsonDeserialize(builder = MadeConfig.Builder.class)
@JsonPropertyOrder(alphabetic = false)
public final class MadeConfig {

    /** Which similarity ranks music tracks (and which retrieval losses a trainer uses). */
    public enum RetrievalScore {
        /** cos(h(v), h0(M)) only. */
        DUAL,
        /** X-Pool cos(h(v), h1(M|v)) only. */
        SINGLE,
        /** dual + single (reference). */
        BOTH;

        public boolean usesDual() {
            return this != SINGLE;
        }

        public boolean usesSingle() {
            return this != DUAL;
        }
    }

    /** Content of the decoder's moment queries before the first layer. */
    public enum MomentQuery {
        /** the clip vector h(v) (reference). */
        VIDEO,
        /** the music vector h0(M). */
        MUSIC,
        /** the X-Pool vector h1(M|v) averaged over the batch's videos, as the reference computes it. */
        XPOOL,
        /**
         * the X-Pool vector h1(M_i|v_i) of the row's own (video, music) pair (ours): the music windows that the video
         * attends to, position embedding included, so the query starts near the moment. Independent of the batch.
         */
        XPOOL_PAIRED,
        /** zeros (the learnable query position alone). */
        ZERO;

        /** True when the query needs the X-Pool vectors. */
        public boolean usesXPool() {
            return this == XPOOL || this == XPOOL_PAIRED;
        }
    }

    private final int dModel;
    private final int frameSlots;
    private final int segmentSlots;
    private final int frameFeatDim;
    private final int segmentFeatDim;
    private final boolean enhancement;
    private final int enhancementLayers;
    private final int enhancementHeads;
    private final int enhancementFfnDim;
    private final float enhancementDropout;
    private final int videoPeRows;
    private final int audioPeRows;
    private final float xpoolDropout;
    private final int detrHeads;
    private final int detrFfnDim;
    private final int detrEncoderLayers;
    private final int detrDecoderLayers;
    private final float detrDropout;
    private final int numMomentQueries;
    private final MomentQuery momentQuery;
    private final RetrievalScore retrievalScore;
    private final boolean predictCenter;
    private final boolean startAnchored;
    private final float maxMDuration;
    private final int contrastiveDim;
    private final float temperatureInit;
    private final float eosCoef;
    private final float layerNormEps;

    private MadeConfig(Builder b) {
        this.dModel = b.dModel;
        this.frameSlots = b.frameSlots;
        this.segmentSlots = b.segmentSlots;
        this.frameFeatDim = b.frameFeatDim;
        this.segmentFeatDim = b.segmentFeatDim;
        this.enhancement = b.enhancement;
        this.enhancementLayers = b.enhancementLayers;
        this.enhancementHeads = b.enhancementHeads;
        this.enhancementFfnDim = b.enhancementFfnDim;
        this.enhancementDropout = b.enhancementDropout;
        this.videoPeRows = b.videoPeRows;
        this.audioPeRows = b.audioPeRows;
        this.xpoolDropout = b.xpoolDropout;
        this.detrHeads = b.detrHeads;
        this.detrFfnDim = b.detrFfnDim;
        this.detrEncoderLayers = b.detrEncoderLayers;
        this.detrDecoderLayers = b.detrDecoderLayers;
        this.detrDropout = b.detrDropout;
        this.numMomentQueries = b.numMomentQueries;
        this.momentQuery = b.momentQuery;
        this.retrievalScore = b.retrievalScore;
        this.predictCenter = b.predictCenter;
        this.startAnchored = b.startAnchored;
        this.maxMDuration = b.maxMDuration;
        this.contrastiveDim = b.contrastiveDim;
        this.temperatureInit = b.temperatureInit;
        this.eosCoef = b.eosCoef;
        this.layerNormEps = b.layerNormEps;
        validate();
    }

    /** The reference configuration. */
    public static MadeConfig reference() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dModel = dModel;
        b.frameSlots = frameSlots;
        b.segmentSlots = segmentSlots;
        b.frameFeatDim = frameFeatDim;
        b.segmentFeatDim = segmentFeatDim;
        b.enhancement = enhancement;
        b.enhancementLayers = enhancementLayers;
        b.enhancementHeads = enhancementHeads;
        b.enhancementFfnDim = enhancementFfnDim;
        b.enhancementDropout = enhancementDropout;
        b.videoPeRows = videoPeRows;
        b.audioPeRows = audioPeRows;
        b.xpoolDropout = xpoolDropout;
        b.detrHeads = detrHeads;
        b.detrFfnDim = detrFfnDim;
        b.detrEncoderLayers = detrEncoderLayers;
        b.detrDecoderLayers = detrDecoderLayers;
        b.detrDropout = detrDropout;
        b.numMomentQueries = numMomentQueries;
        b.momentQuery = momentQuery;
        b.retrievalScore = retrievalScore;
        b.predictCenter = predictCenter;
        b.startAnchored = startAnchored;
        b.maxMDuration = maxMDuration;
        b.contrastiveDim = contrastiveDim;
        b.temperatureInit = temperatureInit;
        b.eosCoef = eosCoef;
        b.layerNormEps = layerNormEps;
        return b;
    }

    private void validate() {
        List<String> errs = new ArrayList<>();
        positive(errs, "dModel", dModel);
        positive(errs, "frameSlots", frameSlots);
        positive(errs, "segmentSlots", segmentSlots);
        positive(errs, "frameFeatDim", frameFeatDim);
        positive(errs, "segmentFeatDim", segmentFeatDim);
        positive(errs, "enhancementHeads", enhancementHeads);
        positive(errs, "enhancementFfnDim", enhancementFfnDim);
        positive(errs, "detrHeads", detrHeads);
        positive(errs, "detrFfnDim", detrFfnDim);
        positive(errs, "detrDecoderLayers", detrDecoderLayers);
        positive(errs, "numMomentQueries", numMomentQueries);
        if (startAnchored && !predictCenter) {
            errs.add("startAnchored needs predictCenter (the width must be the video's)");
        }
        positive(errs, "contrastiveDim", contrastiveDim);
        if (detrEncoderLayers < 0) {
            errs.add("detrEncoderLayers must be >= 0 (got " + detrEncoderLayers + ")");
        }
        if (enhancement && enhancementLayers < 1) {
            errs.add("enhancementLayers must be >= 1 when enhancement is on (got " + enhancementLayers + ")");
        }
        if (dModel > 0 && enhancementHeads > 0 && dModel % enhancementHeads != 0) {
            errs.add("dModel (" + dModel + ") must be divisible by enhancementHeads (" + enhancementHeads + ")");
        }
        if (dModel > 0 && detrHeads > 0 && dModel % detrHeads != 0) {
            errs.add("dModel (" + dModel + ") must be divisible by detrHeads (" + detrHeads + ")");
        }
        if (dModel % 2 != 0) {
            errs.add("dModel must be even (sinusoidal position tables), got " + dModel);
        }
        if (enhancement && videoPeRows < frameSlots) {
            errs.add("videoPeRows (" + videoPeRows + ") must be >= frameSlots (" + frameSlots + ")");
        }
        if (enhancement && audioPeRows < segmentSlots) {
            errs.add("audioPeRows (" + audioPeRows + ") must be >= segmentSlots (" + segmentSlots + ")");
        }
        rate(errs, "enhancementDropout", enhancementDropout);
        rate(errs, "xpoolDropout", xpoolDropout);
        rate(errs, "detrDropout", detrDropout);
        if (!(maxMDuration > 0) || Float.isInfinite(maxMDuration)) {
            errs.add("maxMDuration must be a positive number of seconds (got " + maxMDuration + ")");
        }
        if (!(temperatureInit > 0)) {
            errs.add("temperatureInit must be > 0 (got " + temperatureInit + ")");
        }
        if (!(eosCoef >= 0)) {
            errs.add("eosCoef must be >= 0 (got " + eosCoef + ")");
        }
        if (!(layerNormEps > 0)) {
            errs.add("layerNormEps must be > 0 (got " + layerNormEps + ")");
        }
        if (momentQuery == null) {
            errs.add("momentQuery must be one of video|music|xpool|zero");
        }
        if (retrievalScore == null) {
            errs.add("retrievalScore must be one of dual|single|both");
        }
        if (!errs.isEmpty()) {
            throw new MgsvException("invalid model configuration: " + String.join("; ", errs));
        }
    }

    private static void positive(List<String> errs, String name, int v) {
        if (v <= 0) {
            errs.add(name + " must be > 0 (got " + v + ")");
        }
    }

    private static void rate(List<String> errs, String name, float v) {
        if (!(v >= 0f && v < 1f)) {
            errs.add(name + " must be in [0, 1) (got " + v + ")");
        }
    }

    // ---- JSON ----

    /** Enum values are read case-insensitively ("video" = "VIDEO"). */
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a configuration; {@code source} names the file in error messages. */
    public static MadeConfig fromJson(String json, String source) {
        try {
            return MAPPER.readValue(json, MadeConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable c = e.getCause();
            throw new MgsvException(source + ": " + (c != null ? c.getMessage() : e.getOriginalMessage()), e);
        } catch (IOException e) {
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException upe) {
                msg = "unknown field '" + upe.getPropertyName() + "'";
            }
            throw new MgsvException(source + ": invalid model configuration: " + msg, e);
        }
    }

    public static MadeConfig read(Path file) {
        try {
            return fromJson(java.nio.file.Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- derived ----

    @com.fasterxml.jackson.annotation.JsonIgnore
    public int enhancementLayerCount() {
        return enhancement ? enhancementLayers : 0;
    }

    /** Output size of the last span layer: 1 (center only) or 2 (center, width). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int spanOutDim() {
        return predictCenter ? 1 : 2;
    }

    // ---- getters (JSON names) ----

    @JsonProperty("dModel") public int dModel() { return dModel; }
    @JsonProperty("frameSlots") public int frameSlots() { return frameSlots; }
    @JsonProperty("segmentSlots") public int segmentSlots() { return segmentSlots; }
    @JsonProperty("frameFeatDim") public int frameFeatDim() { return frameFeatDim; }
    @JsonProperty("segmentFeatDim") public int segmentFeatDim() { return segmentFeatDim; }

    /** The feature shapes this model reads (frame and segment slots and dimensions). */
    public org.mgsv.core.features.FeatureSpec featureSpec() {
        return new org.mgsv.core.features.FeatureSpec(frameSlots, frameFeatDim, segmentSlots, segmentFeatDim);
    }
    @JsonProperty("enhancement") public boolean enhancement() { return enhancement; }
    @JsonProperty("enhancementLayers") public int enhancementLayers() { return enhancementLayers; }
    @JsonProperty("enhancementHeads") public int enhancementHeads() { return enhancementHeads; }
    @JsonProperty("enhancementFfnDim") public int enhancementFfnDim() { return enhancementFfnDim; }
    @JsonProperty("enhancementDropout") public float enhancementDropout() { return enhancementDropout; }
    @JsonProperty("videoPeRows") public int videoPeRows() { return videoPeRows; }
    @JsonProperty("audioPeRows") public int audioPeRows() { return audioPeRows; }
    @JsonProperty("xpoolDropout") public float xpoolDropout() { return xpoolDropout; }
    @JsonProperty("detrHeads") public int detrHeads() { return detrHeads; }
    @JsonProperty("detrFfnDim") public int detrFfnDim() { return detrFfnDim; }
    @JsonProperty("detrEncoderLayers") public int detrEncoderLayers() { return detrEncoderLayers; }
    @JsonProperty("detrDecoderLayers") public int detrDecoderLayers() { return detrDecoderLayers; }
    @JsonProperty("detrDropout") public float detrDropout() { return detrDropout; }
    @JsonProperty("numMomentQueries") public int numMomentQueries() { return numMomentQueries; }
    @JsonProperty("momentQuery") public MomentQuery momentQuery() { return momentQuery; }
    @JsonProperty("retrievalScore") public RetrievalScore retrievalScore() { return retrievalScore; }
    @JsonProperty("predictCenter") public boolean predictCenter() { return predictCenter; }
    /**
     * With {@link #predictCenter}: the span head's output is the moment's normalised start s (linear, no
     * sigmoid) and the center is s + width / 2 (not the paper's: its center-only variant regresses the center,
     * which for a moment at the start of the track needs the video's length, a quantity the pooled video features
     * hardly carry).
     */
    @JsonProperty("startAnchored") public boolean startAnchored() { return startAnchored; }
    @JsonProperty("maxMDuration") public float maxMDuration() { return maxMDuration; }
    @JsonProperty("contrastiveDim") public int contrastiveDim() { return contrastiveDim; }
    @JsonProperty("temperatureInit") public float temperatureInit() { return temperatureInit; }
    @JsonProperty("eosCoef") public float eosCoef() { return eosCoef; }
    @JsonProperty("layerNormEps") public float layerNormEps() { return layerNormEps; }

    @Override
    public boolean equals(Object o) {
        return o instanceof MadeConfig c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toJson());
    }

    @Override
    public String toString() {
        return "MadeConfig" + toJson().replaceAll("\\s+", " ");
    }

    /** Builder with the reference defaults; {@link #build()} validates. */
    @JsonPOJOBuilder(withPrefix = "")
    @JsonIgnoreProperties(ignoreUnknown = false)
    public static final class Builder {
        private int dModel = 256;
        private int frameSlots = 50;
        private int segmentSlots = 96;
        private int frameFeatDim = 512;
        private int segmentFeatDim = 768;
        private boolean enhancement = true;
        private int enhancementLayers = 1;
        private int enhancementHeads = 8;
        private int enhancementFfnDim = 1024;
        private float enhancementDropout = 0.8f;
        private int videoPeRows = 250;
        private int audioPeRows = 300;
        private float xpoolDropout = 0.3f;
        private int detrHeads = 8;
        private int detrFfnDim = 1024;
        private int detrEncoderLayers = 2;
        private int detrDecoderLayers = 6;
        private float detrDropout = 0.1f;
        private int numMomentQueries = 1;
        private MomentQuery momentQuery = MomentQuery.VIDEO;
        private RetrievalScore retrievalScore = RetrievalScore.BOTH;
        private boolean predictCenter = false;
        private boolean startAnchored = false;
        private float maxMDuration = 240f;
        private int contrastiveDim = 256;
        private float temperatureInit = 0.03f;
        private float eosCoef = 0.1f;
        private float layerNormEps = 1e-5f;

        @JsonProperty("dModel") public Builder dModel(int v) { dModel = v; return this; }
        @JsonProperty("frameSlots") public Builder frameSlots(int v) { frameSlots = v; return this; }
        @JsonProperty("segmentSlots") public Builder segmentSlots(int v) { segmentSlots = v; return this; }
        @JsonProperty("frameFeatDim") public Builder frameFeatDim(int v) { frameFeatDim = v; return this; }
        @JsonProperty("segmentFeatDim") public Builder segmentFeatDim(int v) { segmentFeatDim = v; return this; }
        @JsonProperty("enhancement") public Builder enhancement(boolean v) { enhancement = v; return this; }
        @JsonProperty("enhancementLayers") public Builder enhancementLayers(int v) { enhancementLayers = v; return this; }
        @JsonProperty("enhancementHeads") public Builder enhancementHeads(int v) { enhancementHeads = v; return this; }
        @JsonProperty("enhancementFfnDim") public Builder enhancementFfnDim(int v) { enhancementFfnDim = v; return this; }
        @JsonProperty("enhancementDropout") public Builder enhancementDropout(float v) { enhancementDropout = v; return this; }
        @JsonProperty("videoPeRows") public Builder videoPeRows(int v) { videoPeRows = v; return this; }
        @JsonProperty("audioPeRows") public Builder audioPeRows(int v) { audioPeRows = v; return this; }
        @JsonProperty("xpoolDropout") public Builder xpoolDropout(float v) { xpoolDropout = v; return this; }
        @JsonProperty("detrHeads") public Builder detrHeads(int v) { detrHeads = v; return this; }
        @JsonProperty("detrFfnDim") public Builder detrFfnDim(int v) { detrFfnDim = v; return this; }
        @JsonProperty("detrEncoderLayers") public Builder detrEncoderLayers(int v) { detrEncoderLayers = v; return this; }
        @JsonProperty("detrDecoderLayers") public Builder detrDecoderLayers(int v) { detrDecoderLayers = v; return this; }
        @JsonProperty("detrDropout") public Builder detrDropout(float v) { detrDropout = v; return this; }
        @JsonProperty("numMomentQueries") public Builder numMomentQueries(int v) { numMomentQueries = v; return this; }
        @JsonProperty("momentQuery") public Builder momentQuery(MomentQuery v) { momentQuery = v; return this; }
        @JsonProperty("retrievalScore") public Builder retrievalScore(RetrievalScore v) { retrievalScore = v; return this; }
        @JsonProperty("predictCenter") public Builder predictCenter(boolean v) { predictCenter = v; return this; }
        @JsonProperty("startAnchored") public Builder startAnchored(boolean v) { startAnchored = v; return this; }
        @JsonProperty("maxMDuration") public Builder maxMDuration(float v) { maxMDuration = v; return this; }
        @JsonProperty("contrastiveDim") public Builder contrastiveDim(int v) { contrastiveDim = v; return this; }
        @JsonProperty("temperatureInit") public Builder temperatureInit(float v) { temperatureInit = v; return this; }
        @JsonProperty("eosCoef") public Builder eosCoef(float v) { eosCoef = v; return this; }
        @JsonProperty("layerNormEps") public Builder layerNormEps(float v) { layerNormEps = v; return this; }

        public MadeConfig build() {
            return new MadeConfig(this);
        }
    }
}
