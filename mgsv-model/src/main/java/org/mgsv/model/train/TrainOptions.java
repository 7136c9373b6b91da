package org.mgsv.model.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The training recipe (specification §4); {@link #reference()} is the reference's. Two switches keep the
 * reference's quirks by default so that results are comparable:
 * <ul>
 *   <li>{@code trainQueryEmbed = false}: {@code decoder_query_embed.weight} is in no optimizer group and never
 *       changes (the reference forgets it); {@code true} trains it with the detection group.</li>
 *   <li>{@code zeroFirstStep = true}: the schedule gives lr 0 to the first update (the reference constructs its
 *       LambdaLR before training and steps it after each update); {@code false} starts at λ(1).</li>
 * </ul>
 *
 * @param epochs        number of epochs (the schedule's total is steps/epoch × epochs)
 * @param batchSize     training batch (the last incomplete batch of an epoch is dropped, as the reference)
 * @param evalBatchSize batch of the validation pass
 * @param lr            peak learning rate of every group
 * @param warmupRate    warm-up steps = int(rate × total steps)
 * @param maxGradNorm   per-group gradient-norm clip
 * @param seed          seed of initialisation, shuffling and dropout
 * @param microBatch    0: the batch in one pass; b &gt; 0: the same gradient computed in passes of b pairs (the
 *                      retrieval loss over the whole batch first, then each slice's encoders and detection with the
 *                      retrieval gradient of its embeddings), bounding memory by b instead of the batch;
 *                      {@value #AUTO_MICRO_BATCH} (the default): see {@link #effectiveMicroBatch()}
 */
public record TrainOptions(
        @JsonProperty("epochs") int epochs,
        @JsonProperty("batchSize") int batchSize,
        @JsonProperty("evalBatchSize") int evalBatchSize,
        @JsonProperty("lr") double lr,
        @JsonProperty("warmupRate") double warmupRate,
        @JsonProperty("maxGradNorm") double maxGradNorm,
        @JsonProperty("beta1") double beta1,
        @JsonProperty("beta2") double beta2,
        @JsonProperty("eps") double eps,
        @JsonProperty("seed") long seed,
        @JsonProperty("trainQueryEmbed") boolean trainQueryEmbed,
        @JsonProperty("zeroFirstStep") boolean zeroFirstStep,
        @JsonProperty("microBatch") int microBatch) {

    /** {@code microBatch} value that lets {@link #effectiveMicroBatch()} choose. */
    public static final int AUTO_MICRO_BATCH = -1;

    /** Largest batch computed in one pass by default; larger batches go in slices of {@link #AUTO_SLICE}. */
    public static final int AUTO_WHOLE_UP_TO = 32;

    /** Slice of the automatic micro-batching, so a large batch needs about the memory of a batch-32 step (measured
     *  at batch 128 on a 2-core Zen 3, medians over runs: slices of 32 4.9 s and 1.8–2.4 GB, slices of 16 5.3 s and
     *  1.5–1.7 GB, faster in each of 6 alternating pairs; one pass 5.8 s and 4.2 GB; see README "Training"). */
    public static final int AUTO_SLICE = 32;

    public static TrainOptions reference() {
        return new TrainOptions(100, 512, 64, 3e-4, 0.02, 1.0, 0.9, 0.999, 1e-8, 42, false, true, AUTO_MICRO_BATCH);
    }

    /**
     * The slice actually used: {@code microBatch} when given (0 = whole batch), else the whole batch up to
     * {@value #AUTO_WHOLE_UP_TO} pairs and slices of {@value #AUTO_SLICE} above (memory then grows with the batch only
     * through the batch-wide retrieval loss).
     */
    public int effectiveMicroBatch() {
        if (microBatch != AUTO_MICRO_BATCH) {
            return microBatch;
        }
        return batchSize <= AUTO_WHOLE_UP_TO ? 0 : AUTO_SLICE;
    }

    public TrainOptions withEpochs(int e) {
        return new TrainOptions(e, batchSize, evalBatchSize, lr, warmupRate, maxGradNorm, beta1, beta2, eps, seed,
                trainQueryEmbed, zeroFirstStep, microBatch);
    }

    public TrainOptions withBatchSize(int b) {
        return new TrainOptions(epochs, b, evalBatchSize, lr, warmupRate, maxGradNorm, beta1, beta2, eps, seed,
                trainQueryEmbed, zeroFirstStep, microBatch);
    }

    public TrainOptions withLr(double v) {
        return new TrainOptions(epochs, batchSize, evalBatchSize, v, warmupRate, maxGradNorm, beta1, beta2, eps,
                seed, trainQueryEmbed, zeroFirstStep, microBatch);
    }

    public TrainOptions withSeed(long s) {
        return new TrainOptions(epochs, batchSize, evalBatchSize, lr, warmupRate, maxGradNorm, beta1, beta2, eps, s,
                trainQueryEmbed, zeroFirstStep, microBatch);
    }

    public TrainOptions withQuirks(boolean trainQueryEmbed, boolean zeroFirstStep) {
        return new TrainOptions(epochs, batchSize, evalBatchSize, lr, warmupRate, maxGradNorm, beta1, beta2, eps,
                seed, trainQueryEmbed, zeroFirstStep, microBatch);
    }

    public TrainOptions withEvalBatchSize(int b) {
        return new TrainOptions(epochs, batchSize, b, lr, warmupRate, maxGradNorm, beta1, beta2, eps, seed,
                trainQueryEmbed, zeroFirstStep, microBatch);
    }

    public TrainOptions withMicroBatch(int b) {
        return new TrainOptions(epochs, batchSize, evalBatchSize, lr, warmupRate, maxGradNorm, beta1, beta2, eps, seed,
                trainQueryEmbed, zeroFirstStep, b);
    }

    void validate() {
        if (microBatch < 0 && microBatch != AUTO_MICRO_BATCH) {
            throw new org.mgsv.core.MgsvException("micro-batch must be >= 0 (got " + microBatch + ")");
        }
        if (epochs < 1 || batchSize < 2 || evalBatchSize < 1) {
            throw new org.mgsv.core.MgsvException("epochs must be >= 1 and batch size >= 2 (got epochs " + epochs
                    + ", batch " + batchSize + ")");
        }
        if (!(lr >= 0) || !(maxGradNorm > 0) || !(warmupRate >= 0 && warmupRate <= 1)) {
            throw new org.mgsv.core.MgsvException("invalid lr / maxGradNorm / warmupRate");
        }
    }
}
