package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.model.FeatureSpace;
import org.mgsv.model.ModelDir;

/**
 * The two rules that keep rankings meaningful: a model is used only with encoders of the feature space it was
 * trained on, and a catalog is indexed and searched with the one model that built it. Both are refused unless
 * the user passes {@code --force}.
 */
final class ModelChecks {
    private ModelChecks() {}

    /** The feature space the chosen encoders produce. */
    static String encoderSpace(AppOptions opts) {
        return opts.encoder == AppOptions.Encoder.onnx ? FeatureSpace.CLIP_AST : FeatureSpace.BUILTIN;
    }

    /**
     * Null when the model's recorded feature space is the encoders' (or unrecorded), else the problem.
     *
     * @param space the model's space (see {@link FeatureSpace#ofModel})
     */
    static String encoderMismatch(Path modelDir, String space, AppOptions opts) {
        String enc = encoderSpace(opts);
        if (space == null || space.equals(enc)) {
            return null;
        }
        return modelDir + " was trained on " + FeatureSpace.describe(space) + ", but --encoder " + opts.encoder
                + " produces " + FeatureSpace.describe(enc) + ": its scores and rankings would be meaningless";
    }

    static void requireEncoderMatches(Path modelDir, AppOptions opts, boolean force, java.io.PrintWriter err) {
        String problem = encoderMismatch(modelDir, FeatureSpace.ofModel(modelDir), opts);
        if (problem == null) {
            return;
        }
        if (!force) {
            throw new MgsvException(problem + " (use a model trained on these features, or --force)");
        }
        err.println("warning: " + problem + " (--force)");
        err.flush();
    }

    /** Refuses (unless {@code force}) a catalog built by another model than {@code modelDir}. */
    static void requireCatalogModel(Path catalog, Path modelDir, boolean force, java.io.PrintWriter err) {
        Map<String, Object> info = IndexCommand.CatalogInfo.read(catalog);
        if (info == null || info.get(IndexCommand.CatalogInfo.MODEL_ID) == null) {
            return;
        }
        String had = String.valueOf(info.get(IndexCommand.CatalogInfo.MODEL_ID));
        String now = ModelDir.weightsChecksum(modelDir);
        if (had.equals(now)) {
            return;
        }
        String problem = catalog + " was built with model " + info.get("modelDir") + " (weights " + brief(had)
                + "), not with " + modelDir + " (weights " + brief(now) + "): its track vectors come from the other model";
        if (!force) {
            throw new MgsvException(problem + " (use that model, index into a new catalog, or --force)");
        }
        err.println("warning: " + problem + " (--force)");
        err.flush();
    }

    private static String brief(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
