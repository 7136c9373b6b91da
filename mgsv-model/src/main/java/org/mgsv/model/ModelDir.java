package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.Digests;

/**
 * A model directory, the one format for imported reference weights and our own checkpoints:
 * <pre>
 *   weights.safetensors   every parameter, keyed by the reference state-dict name, float32, PyTorch shapes
 *   config.json           the {@link MadeConfig}
 *   provenance.json       the {@link Provenance}
 *   weights.sha256        SHA-256 of weights.safetensors, recorded when saving and checked by {@link #load}
 * </pre>
 * Other files in the directory (optimizer state, metrics, ...) are ignored by {@link #load}. Saving is atomic:
 * the directory is built beside the target and renamed into place.
 */
public final class ModelDir {
    public static final String WEIGHTS = "weights.safetensors";
    public static final String CONFIG = "config.json";
    public static final String PROVENANCE = "provenance.json";
    public static final String CHECKSUM = "weights.sha256";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelDir() {}

    /** A loaded model: its configuration, parameters (owned by the caller's manager) and provenance. */
    public record Loaded(MadeConfig config, MadeParams params, Provenance provenance) implements AutoCloseable {
        public MadeNetwork network() {
            return new MadeNetwork(params);
        }

        @Override
        public void close() {
            params.close();
        }
    }

    /** Writes a complete model directory atomically (an existing one is replaced). */
    public static void save(Path dir, MadeParams params, Provenance provenance) {
        save(dir, params, provenance, null);
    }

    /**
     * Like {@link #save(Path, MadeParams, Provenance)}; {@code extra} may add files (e.g. optimizer state) to
     * the directory before it is renamed into place.
     */
    public static void save(Path dir, MadeParams params, Provenance provenance, AtomicFiles.DirWriter extra) {
        checkReplaceable(dir);
        AtomicFiles.writeDirectory(dir, tmp -> {
            writeWeights(tmp.resolve(WEIGHTS), params);
            Files.writeString(tmp.resolve(CHECKSUM), Digests.sha256(tmp.resolve(WEIGHTS)) + "  " + WEIGHTS + "\n");
            Files.writeString(tmp.resolve(CONFIG), params.config().toJson());
            Files.writeString(tmp.resolve(PROVENANCE), JSON.writeValueAsString(provenance));
            if (extra != null) {
                extra.write(tmp);
            }
        });
    }

    private static void writeWeights(Path file, MadeParams params) throws IOException {
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            params.toNDList().encode(out, ai.djl.ndarray.NDList.Encoding.SAFETENSORS);
        }
    }

    /**
     * Saving replaces {@code dir} whole, so it must be absent, empty or a model directory: a folder of the user's
     * (say {@code models/} holding other models) is never deleted to make room.
     */
    public static void checkReplaceable(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new MgsvException(dir + ": exists and is not a directory");
        }
        if (isModelDir(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            java.util.List<String> names = s.map(p -> p.getFileName().toString()).sorted().limit(4).toList();
            if (!names.isEmpty()) {
                throw new MgsvException(dir + ": exists and is not a model directory (it holds "
                        + String.join(", ", names) + (names.size() == 4 ? ", ..." : "") + "); a model is written to "
                        + "a new or empty directory or over a model directory, never over other files: choose "
                        + "another output, e.g. " + dir.resolve("made"));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of the weights: the one recorded at save time, else computed. Identifies the model. */
    public static String weightsChecksum(Path dir) {
        Path f = dir.resolve(CHECKSUM);
        try {
            if (Files.isRegularFile(f)) {
                return Files.readString(f).trim().split("\\s+")[0];
            }
        } catch (IOException e) {
            // fall back to computing it
        }
        return Digests.sha256(dir.resolve(WEIGHTS));
    }

    /** True when {@code dir} looks like a model directory. */
    public static boolean isModelDir(Path dir) {
        return Files.isRegularFile(dir.resolve(WEIGHTS)) && Files.isRegularFile(dir.resolve(CONFIG));
    }

    /**
     * Compares the weights with the checksum recorded when they were saved (directories without one, written by
     * older versions, are read as they are).
     */
    static void verifyChecksum(Path dir) {
        Path f = dir.resolve(CHECKSUM);
        if (!Files.isRegularFile(f)) {
            return;
        }
        String recorded;
        try {
            recorded = Files.readString(f).trim().split("\\s+")[0];
        } catch (IOException e) {
            throw new MgsvException(f + ": unreadable (" + e.getMessage() + ")", e);
        }
        if (!recorded.matches("[0-9a-f]{64}")) {
            throw new MgsvException(f + ": not a SHA-256 checksum");
        }
        String now = Digests.sha256(dir.resolve(WEIGHTS));
        if (!now.equals(recorded)) {
            throw new MgsvException(dir.resolve(WEIGHTS) + ": checksum " + now + " differs from the one recorded when "
                    + "it was saved (" + recorded + " in " + CHECKSUM + "): the file was changed or corrupted");
        }
    }

    /** Loads a model directory; every parameter name and shape is checked against its config. */
    public static Loaded load(Path dir, NDManager manager) {
        if (!Files.isDirectory(dir)) {
            throw new MgsvException(dir + ": no such model directory");
        }
        for (String f : new String[] {WEIGHTS, CONFIG}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new MgsvException(dir + ": not a model directory (missing " + f + ")");
            }
        }
        MadeConfig config = MadeConfig.read(dir.resolve(CONFIG));
        Provenance prov = null;
        Path pf = dir.resolve(PROVENANCE);
        if (Files.isRegularFile(pf)) {
            try {
                prov = JSON.readValue(pf.toFile(), Provenance.class);
            } catch (IOException e) {
                throw new MgsvException(pf + ": invalid provenance (" + e.getMessage() + ")", e);
            }
        }
        verifyChecksum(dir);
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> arrays = NpzIO.read(dir.resolve(WEIGHTS), tmp);
            java.util.List<String> problems = MadeParams.check(config, arrays);
            if (problems.isEmpty()) {
                problems = MadeParams.checkValues(arrays, true);
            }
            if (!problems.isEmpty()) {
                throw new MgsvException(dir.resolve(WEIGHTS) + ": weights do not match " + CONFIG + ": "
                        + String.join("; ", problems));
            }
            MadeParams params = MadeParams.fromArrays(config, manager, arrays);
            return new Loaded(config, params, prov);
        }
    }
}
