package org.mgsv.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.features.FeaturePacker;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.features.PackedFeatureStore;
import org.mgsv.core.util.ConsoleProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mgsv pack}: per-id feature files → one memory-mapped store. */
@Command(
        name = "pack",
        mixinStandardHelpOptions = true,
        description = {
            "Pack the features of the ids in some annotation CSVs into one memory-mapped store.",
            "",
            "Training then reads every video/music feature zero-copy from one file instead of opening tens of "
                    + "thousands of small .pt files. The CSVs are copied into the store, so the store can be "
                    + "passed wherever a <dataset> is expected. Every file is checked (shape, dtype, NaN/Inf, "
                    + "truncation). The store is built under a temporary name and renamed when complete, so an "
                    + "interrupted pack leaves nothing that looks valid.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  # the training split of the published features (reference repository layout)",
            "  mgsv pack --features features/Kuai_feature \\",
            "            --csv dataset/MGSV-EC/train_data.csv --out packed/train",
            "",
            "  # val and test together in float16 (half the size), leaving out broken ids",
            "  mgsv pack --features features/Kuai_feature \\",
            "            --csv dataset/MGSV-EC/val_data.csv \\",
            "            --csv dataset/MGSV-EC/test_data.csv \\",
            "            --out packed/evaluation --float16 --skip-bad",
        })
public final class PackCommand implements Callable<Integer> {
    @Option(names = "--features", required = true, paramLabel = "<dir>",
            description = "Feature root holding vit_feature1/ and ast_feature2p5/ (e.g. features/Kuai_feature), "
                    + "the folder above features/Kuai_feature, or a packed store to re-pack.")
    Path features;

    @Option(names = "--csv", required = true, arity = "1..*", paramLabel = "<csv>",
            description = "Annotation CSV(s) whose video and music ids are packed (repeatable).")
    List<Path> csvs;

    @Option(names = "--out", required = true, paramLabel = "<store>", description = "The store directory to write.")
    Path out;

    @Option(names = "--float16",
            description = "Store values as float16: half the size; reads convert (one copy) and round to float16.")
    boolean float16;

    @Option(names = "--skip-bad",
            description = "Leave out ids whose feature files are missing or invalid (and their CSV rows) "
                    + "instead of stopping at the first one.")
    boolean skipBad;

    @Option(names = "--force", description = "Replace an existing store at --out.")
    boolean force;

    @Option(names = "--verify", description = "After writing, re-read the whole store and check its checksum.")
    boolean verify;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.exists(this.out)) {
            if (!PackedFeatureStore.looksLikeStore(this.out)) {
                throw new MgsvException("--out " + this.out + " exists and is not a packed store: choose another path");
            }
            if (!force) {
                throw new MgsvException("--out " + this.out + " already holds a store (use --force to replace it)");
            }
        }
        PackedFeatureStore.Precision precision =
                float16 ? PackedFeatureStore.Precision.FLOAT16 : PackedFeatureStore.Precision.FLOAT32;
        FeaturePacker.Summary s = FeaturePacker.pack(features, csvs, this.out, FeatureSpec.MGSV_EC, precision,
                skipBad, total -> new ConsoleProgress("pack", total));
        if (!s.skipped().isEmpty()) {
            err.println("warning: left out " + DatasetLayout.describe(s.skipped(), 20));
        }
        if (verify) {
            try (PackedFeatureStore st = PackedFeatureStore.open(this.out)) {
                st.verify();
            }
        }
        out.printf(Locale.ROOT, "packed %d videos and %d tracks (%s, %.1f MB) into %s in %.1f s%s%n", s.videos(),
                s.music(), precision.name().toLowerCase(Locale.ROOT), s.bytes() / 1e6, s.store(), s.seconds(),
                verify ? " (checksum verified)" : "");
        for (Map.Entry<String, Integer> e : s.rowsPerSplit().entrySet()) {
            out.printf(Locale.ROOT, "  %s: %d rows%n", e.getKey(), e.getValue());
        }
        out.flush();
        return 0;
    }
}
