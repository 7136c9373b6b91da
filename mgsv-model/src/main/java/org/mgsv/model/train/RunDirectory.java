package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.NpzIO;
import org.mgsv.model.Provenance;

/**
 * The layout of a training run's directory, as {@link MadeTrainer} writes it (see its class comment): the checkpoints
 * ({@code last/}, {@code best-*}/, each a model directory with the trainer's state in {@code trainer/state.json}
 * and {@code trainer/optimizer.npz}), {@code metrics.jsonl} and {@code learning-curves.png}. The trainer writes
 * them, and callers that inspect or resume a run read them, through here instead of composing the paths.
 */
public record RunDirectory(Path root) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String OPTIMIZER = "optimizer.npz";

    /** A checkpoint directory: {@link MadeTrainer#LAST} or a key of {@link MadeTrainer#BEST}. */
    public Path checkpoint(String name) {
        return root.resolve(name);
    }

    public Path last() {
        return checkpoint(MadeTrainer.LAST);
    }

    /** The trainer's state of the last checkpoint (epoch, global step, best values, options). */
    public Path lastState() {
        return last().resolve(MadeTrainer.STATE_DIR).resolve("state.json");
    }

    public Path metrics() {
        return root.resolve(MadeTrainer.METRICS);
    }

    public Path curves() {
        return root.resolve(MadeTrainer.CURVES);
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

    /** The trainer's state of the last checkpoint, parsed. */
    public JsonNode readLastState() {
        try {
            return JSON.readTree(lastState().toFile());
        } catch (IOException e) {
            throw new MgsvException(lastState() + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The optimizer state of the last checkpoint, each array named as {@link FusedAdam#stateArrays()} names it. */
    NDList readLastOptimizer(NDManager m) {
        Map<String, NDArray> arrays = NpzIO.read(last().resolve(MadeTrainer.STATE_DIR).resolve(OPTIMIZER), m);
        NDList list = new NDList();
        arrays.forEach((k, v) -> {
            v.setName(k);
            list.add(v);
        });
        return list;
    }

    /**
     * Writes checkpoint {@code name} atomically: a model directory of {@code params} with the trainer's
     * {@code state} ({@code trainer/state.json}) and the optimizer's state ({@code trainer/optimizer.npz}).
     */
    void writeCheckpoint(String name, MadeParams params, Provenance provenance, Map<String, Object> state,
            FusedAdam adam) {
        ModelDir.save(checkpoint(name), params, provenance, tmp -> {
            Path sd = tmp.resolve(MadeTrainer.STATE_DIR);
            Files.createDirectories(sd);
            Files.writeString(sd.resolve("state.json"), PRETTY.writeValueAsString(state));
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (NDArray a : adam.stateArrays()) {
                arrays.put(a.getName(), a);
            }
            NpzIO.write(sd.resolve(OPTIMIZER), arrays);
            for (NDArray a : arrays.values()) {
                a.close();
            }
        });
    }

    /** Appends one epoch's line to {@code metrics.jsonl} (the file is replaced atomically). */
    void appendMetrics(Map<String, Object> line) {
        Path f = metrics();
        try {
            String prev = Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
            AtomicFiles.writeString(f, prev + JSON.writeValueAsString(line) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the lines of {@code metrics.jsonl} of epochs ≤ {@code epochs} (a run killed after writing a line but
     * before saving its checkpoint) and returns them flattened ({@code train/<loss>}, {@code val/<metric>}).
     */
    List<Map<String, Double>> truncateMetrics(int epochs) {
        Path f = metrics();
        List<Map<String, Double>> history = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return history;
        }
        try {
            List<String> keep = new ArrayList<>();
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (l.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(l);
                if (n.get("epoch").asInt() <= epochs) {
                    keep.add(l);
                    Map<String, Double> flat = new LinkedHashMap<>();
                    n.get("train").fields().forEachRemaining(e -> flat.put("train/" + e.getKey(), e.getValue().asDouble()));
                    n.get("val").fields().forEachRemaining(e -> flat.put("val/" + e.getKey(),
                            e.getValue().isNull() ? Double.NaN : e.getValue().asDouble()));
                    history.add(flat);
                }
            }
            AtomicFiles.writeString(f, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return history;
    }
}
