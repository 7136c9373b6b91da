package org.mgsv.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mgsv.core.MgsvException;
import org.mgsv.model.ModelDir;

/**
 * The layout of a training run's directory, as {@link Trainer} writes it (see its class comment): the checkpoints
 * ({@code last/}, {@code best-*}/, each a model directory with the trainer's state in {@code trainer/state.json}
 * and {@code trainer/optimizer.npz}), {@code metrics.jsonl} and {@code learning-curves.png}. Callers that
 * inspect or resume a run read it through here instead of composing the paths.
 */
public record RunDirectory(Path root) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A checkpoint directory: {@link Trainer#LAST} or a key of {@link Trainer#BEST}. */
    public Path checkpoint(String name) {
        return root.resolve(name);
    }

    public Path last() {
        return checkpoint(Trainer.LAST);
    }

    /** The trainer's state of the last checkpoint (epoch, global step, best values, options). */
    public Path lastState() {
        return last().resolve(Trainer.STATE_DIR).resolve("state.json");
    }

    public Path metrics() {
        return root.resolve(Trainer.METRICS);
    }

    public Path curves() {
        return root.resolve(Trainer.CURVES);
    }

    /** True when the run has a complete last checkpoint to resume from. */
    public boolean resumable() {
        return ModelDir.isModelDir(last()) && Files.isRegularFile(lastState());
    }

    /** The epochs the last checkpoint holds (0 when there is none). */
    public int epochsDone() {
        if (!Files.isRegularFile(lastState())) {
            return 0;
        }
        try {
            JsonNode st = JSON.readTree(lastState().toFile());
            return st.path("epoch").asInt(0);
        } catch (IOException e) {
            throw new MgsvException(lastState() + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
