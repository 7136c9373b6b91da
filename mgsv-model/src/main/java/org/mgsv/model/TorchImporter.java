package org.mgsv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.Digests;

/**
 * Imports a reference PyTorch state dict (exported to {@code .npz} or {@code .safetensors}, keyed by the
 * {@code state_dict()} names) into a model directory. Names map 1:1; every name and shape is checked and a
 * mismatch fails with the full list of missing / unexpected / mismatched names.
 *
 * <p>The three buffers ({@code video_position_embedding.pe}, {@code audio_position_embedding.pe},
 * {@code criterion.empty_weight}) may be absent (they are computed) or present (they are checked against the
 * computed values). A buffer may also be given partially, as its first rows: either under its own name with
 * fewer rows ([1, r, d], r ≤ table length) or as {@code <name>.rows_0_<r>}; the rows given are checked.
 * A {@code module.} prefix (DistributedDataParallel checkpoints) is stripped.
 */
public final class TorchImporter {
    /** Buffers are computed in float32 like torch; allowed absolute difference when checking them. */
    static final double BUFFER_TOL = 1e-5;
    private static final Pattern ROWS = Pattern.compile("(.+)\\.rows_(\\d+)_(\\d+)");

    private TorchImporter() {}

    /** What an import did. */
    public record Report(int parameters, long scalars, List<String> buffersChecked, List<String> buffersComputed,
            String sha256) {}

    /** The imported parameters plus the report. */
    public record Result(MadeParams params, Report report) {}

    /**
     * Reads and checks {@code stateDict} (and optionally a separate buffers file) for {@code config}.
     */
    public static Result read(Path stateDict, Path buffersFile, MadeConfig config, NDManager manager) {
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>();
            putAll(all, NpzIO.read(stateDict, tmp), stateDict);
            if (buffersFile != null) {
                putAll(all, NpzIO.read(buffersFile, tmp), buffersFile);
            }
            List<String> checked = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : all.entrySet()) {
                String name = e.getKey();
                Matcher rm = ROWS.matcher(name);
                String base = rm.matches() ? rm.group(1) : name;
                if (isBuffer(base)) {
                    int from = rm.matches() ? Integer.parseInt(rm.group(2)) : 0;
                    String problem = checkBuffer(base, from, e.getValue(), config);
                    if (problem != null) {
                        problems.add(name + ": " + problem);
                    } else {
                        checked.add(name);
                    }
                } else {
                    params.put(name, e.getValue());
                }
            }
            problems.addAll(MadeParams.check(config, params));
            if (problems.isEmpty()) {
                problems.addAll(MadeParams.checkValues(params, false));
            }
            if (!problems.isEmpty()) {
                throw new MgsvException(stateDict + ": state dict does not match the MaDe model: "
                        + String.join("; ", problems));
            }
            List<String> computed = new ArrayList<>();
            for (String b : new String[] {FixedTensors.VIDEO_PE, FixedTensors.AUDIO_PE, FixedTensors.EMPTY_WEIGHT}) {
                boolean seen = checked.stream().anyMatch(n -> n.equals(b) || n.startsWith(b + ".rows_"));
                if (!seen) {
                    computed.add(b);
                }
            }
            MadeParams p = MadeParams.fromArrays(config, manager, params);
            return new Result(p, new Report(p.names().size(), p.count(), checked, computed, Digests.sha256(stateDict)));
        }
    }

    private static void putAll(Map<String, NDArray> all, Map<String, NDArray> more, Path file) {
        for (Map.Entry<String, NDArray> e : more.entrySet()) {
            String n = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
            if (all.put(n, e.getValue()) != null) {
                throw new MgsvException(file + ": array " + n + " is given twice");
            }
        }
    }

    static boolean isBuffer(String name) {
        return name.equals(FixedTensors.VIDEO_PE) || name.equals(FixedTensors.AUDIO_PE)
                || name.equals(FixedTensors.EMPTY_WEIGHT);
    }

    /** null when the given buffer (or its rows starting at {@code from}) equals the computed one. */
    static String checkBuffer(String name, int from, NDArray given, MadeConfig c) {
        float[] g = given.toType(DataType.FLOAT32, false).toFloatArray();
        if (name.equals(FixedTensors.EMPTY_WEIGHT)) {
            float[] want = FixedTensors.emptyWeight(c);
            if (g.length != 2) {
                return "expected shape [2], got " + MadeParams.shapeText(given.getShape());
            }
            double diff = Math.max(Math.abs(g[0] - want[0]), Math.abs(g[1] - want[1]));
            return diff <= BUFFER_TOL ? null : "expected [" + want[0] + ", " + want[1] + "], got [" + g[0] + ", " + g[1] + "]";
        }
        int total = name.equals(FixedTensors.VIDEO_PE) ? c.videoPeRows() : c.audioPeRows();
        int d = c.dModel();
        var s = given.getShape();
        if (s.dimension() != 3 || s.get(0) != 1 || s.get(2) != d) {
            return "expected shape [1," + total + "," + d + "] (or its first rows), got " + MadeParams.shapeText(s);
        }
        long rows = s.get(1);
        if (from + rows > total) {
            return "rows " + from + ".." + (from + rows) + " exceed the table length " + total;
        }
        float[] want = FixedTensors.sinusoidTable(total, d);
        double max = 0;
        for (int i = 0; i < g.length; i++) {
            max = Math.max(max, Math.abs(g[i] - want[from * d + i]));
        }
        return max <= BUFFER_TOL ? null
                : "differs from the sinusoidal table (max |diff| " + max + " > " + BUFFER_TOL + ")";
    }

    /** Imports into a model directory (atomically). */
    public static Report importTo(Path stateDict, Path buffersFile, MadeConfig config, Path outDir) {
        try (NDManager m = NDManager.newBaseManager()) {
            Result r = read(stateDict, buffersFile, config, m);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("stateDict", stateDict.toAbsolutePath().normalize().toString());
            details.put("stateDictSha256", r.report().sha256());
            if (buffersFile != null) {
                details.put("buffers", buffersFile.toAbsolutePath().normalize().toString());
            }
            details.put("buffersChecked", r.report().buffersChecked());
            details.put("buffersComputed", r.report().buffersComputed());
            details.put(FeatureSpace.KEY, FeatureSpace.CLIP_AST); // the reference weights' training features
            ModelDir.save(outDir, r.params(), Provenance.of("import", details));
            return r.report();
        }
    }
}
