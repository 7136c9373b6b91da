package org.mgsv.model.train;

/**
 * Per-iteration learning-rate factor: linear warm-up from 0 to 1 over {@code warmup} steps, then half a cosine
 * from 1 to 0 at {@code total} steps (the reference's {@code WarmupCosineSchedule}, cycles 0.5).
 *
 * <p>The reference constructs the schedule before training and steps it after each optimizer step, so the
 * k-th update (k = 0, 1, ...) uses {@code factor(k)}, and the first update runs with lr 0. That quirk is the
 * default ({@code zeroFirstStep = true}); with {@code false} the k-th update uses {@code factor(k + 1)}.
 */
public final class WarmupCosineSchedule {
    private final long warmup;
    private final long total;
    private final boolean zeroFirstStep;

    public WarmupCosineSchedule(long warmup, long total, boolean zeroFirstStep) {
        this.warmup = warmup;
        this.total = total;
        this.zeroFirstStep = zeroFirstStep;
    }

    /** Warm-up steps as the reference computes them: int(rate · total). */
    public static WarmupCosineSchedule reference(long total, double warmupRate, boolean zeroFirstStep) {
        return new WarmupCosineSchedule((long) (total * warmupRate), total, zeroFirstStep);
    }

    /** The reference's λ(step). */
    public double factor(long step) {
        if (step < warmup) {
            return (double) step / Math.max(1.0, warmup);
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
    }

    /** Multiplier of the base lr used by update number {@code update} (0-based). */
    public double factorForUpdate(long update) {
        return factor(zeroFirstStep ? update : update + 1);
    }

    public long warmup() {
        return warmup;
    }

    public long total() {
        return total;
    }
}
