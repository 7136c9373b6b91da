package org.mgsv.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mgsv.core.data.CsvLine;
import org.mgsv.core.features.PackedFeatureStore;

/**
 * The feature space a model was trained on, recorded in its {@code provenance.json} ({@code details.featureSpace}).
 * A model only ranks meaningfully features of the space it learnt: the published CLIP/AST features (the
 * reference weights, data extracted with the ONNX encoders), the built-in encoders' features, or the synthetic
 * benchmark's features (which no encoder produces).
 */
public final class FeatureSpace {
    public static final String CLIP_AST = "clip-ast";
    public static final String BUILTIN = "builtin";
    public static final String SYNTHETIC = "synthetic";
    public static final String KEY = "featureSpace";

    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureSpace() {}

    /** What a user reads for a space. */
    public static String describe(String space) {
        if (space == null) {
            return "an unrecorded feature space";
        }
        return switch (space) {
            case CLIP_AST -> "the published CLIP/AST features";
            case BUILTIN -> "the built-in encoders' features";
            case SYNTHETIC -> "the synthetic benchmark's features (no encoder produces them)";
            default -> "'" + space + "' features";
        };
    }

    /** The space recorded in {@code modelDir}'s provenance; imports of reference weights are CLIP/AST; else null. */
    public static String ofModel(Path modelDir) {
        Path p = modelDir.resolve(ModelDir.PROVENANCE);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(p.toFile());
            JsonNode s = n.path("details").path(KEY);
            if (s.isTextual()) {
                return s.asText();
            }
            return "import".equals(n.path("source").asText()) ? CLIP_AST : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The space of training data: synthetic when {@code synth.json} (written by {@code mgsv synth}) lies in the
     * dataset folder or above the feature root; the encoders' space when the feature root was made by
     * {@code mgsv extract} (its {@code videos.csv}/{@code music.csv} name the encoder); null (unknown) for a packed
     * store or anything else that does not say; else the published CLIP/AST features (the reference layout).
     *
     * @param data     the dataset folder (may be null)
     * @param features the feature root or packed store (may be null)
     */
    public static String ofData(Path data, Path features) {
        for (Path p = features; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("synth.json"))) {
                return SYNTHETIC;
            }
            if (data != null && p.toAbsolutePath().normalize().equals(data.toAbsolutePath().normalize())) {
                break;
            }
        }
        if (data != null && Files.isRegularFile(data.resolve("synth.json"))) {
            return SYNTHETIC;
        }
        for (Path root : new Path[] {features, data}) {
            if (root == null) {
                continue;
            }
            for (String csv : new String[] {"videos.csv", "music.csv"}) {
                String enc = lastColumnOfFirstRow(root.resolve(csv));
                if (enc != null) {
                    return enc.startsWith("onnx") ? CLIP_AST : BUILTIN;
                }
            }
        }
        if (features == null || PackedFeatureStore.looksLikeStore(features)
                || !Files.isDirectory(features.resolve("vit_feature1"))) {
            return null;
        }
        return CLIP_AST;
    }

    /** The encoder column (the last) of the first data row of an extract CSV, or null. */
    private static String lastColumnOfFirstRow(Path csv) {
        if (!Files.isRegularFile(csv)) {
            return null;
        }
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String row = r.readLine();
            if (header == null || row == null || !header.endsWith(",encoder")) {
                return null;
            }
            List<String> cols = CsvLine.split(row);
            return cols.isEmpty() ? null : cols.get(cols.size() - 1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
