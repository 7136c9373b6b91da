package org.mgsv.model.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Events of a {@link MadeTrainer} run, for progress displays, logging or early stopping in the caller (as DJL's
 * {@code TrainingListener}). Called on the training thread, after the trainer's own work for the event is done
 * (a checkpoint is on disk when {@link #onCheckpoint} is called, the metrics line is written before
 * {@link #onEpochEnd}); listeners must not change the arrays they are not given, and see no arrays at all, so
 * they cannot change what is trained. Every method does nothing by default.
 */
public interface RunListener {
    /** Before the first step of {@code epoch} (1-based) of {@code epochs}. */
    default void onEpochStart(int epoch, int epochs) {}

    /** After the optimizer step {@code step} (0-based, counted over the whole run) with its loss values. */
    default void onStep(long step, double lr, Map<String, Double> losses) {}

    /** After a checkpoint of {@code epoch} was written to {@code dir} (one of {@code last}, {@code best-*}). */
    default void onCheckpoint(Path dir, int epoch) {}

    /** After an epoch's validation, checkpoints and metrics line. */
    default void onEpochEnd(Epoch e) {}

    /**
     * One finished epoch.
     *
     * @param epoch 1-based epoch number
     * @param epochs the run's number of epochs
     * @param firstEpochThisCall the first epoch this call of {@link MadeTrainer#run} trained (epochs before it were
     *     resumed)
     * @param steps optimizer steps done so far over the whole run
     * @param seconds the epoch's wall time, validation included
     * @param train mean training losses
     * @param val validation metrics
     * @param saved the {@code best-*} checkpoints this epoch improved
     */
    record Epoch(int epoch, int epochs, int firstEpochThisCall, long steps, double seconds, Map<String, Double> train,
            Map<String, Double> val, List<String> saved) {}
}
