package org.mgsv.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.ModelDir;
import org.mgsv.model.train.DataCheck;
import org.mgsv.model.train.FeatureSource;
import org.mgsv.model.train.MadeTrainer;
import org.mgsv.model.train.TrainOptions;
import org.mgsv.model.train.TrainPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgsv train}: trains MaDe with the reference recipe and keeps checkpoints in a run directory. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train MaDe on pre-extracted features with the reference recipe.",
            "Adam lr 3e-4 in three parameter groups, "
            + "per-group gradient clipping 1.0, per-step warm-up (2%%) + cosine schedule, batch 512, seed 42.",
            "After every epoch the model is evaluated on the validation split; the run directory gets metrics.jsonl "
            + "(one line per epoch), learning-curves.png, and model directories last/, best-r1/, best-miou/, "
            + "best-mor1/ (MoR1@0.5) and best-mor1-0.7/ (each loadable by eval/predict; written atomically).",
            "Features are validated before training starts: missing files, wrong shapes, NaN stop the run with a "
            + "list of the problems (or are skipped with --skip-bad). A killed run continues identically with --resume.",
            "Reference quirks kept by default: decoder_query_embed is never trained (--train-query-embed trains it) "
            + "and the first update has lr 0 (--no-zero-lr-first-step starts the warm-up at its second value)."
        },
        footer = {
            "",
            "Examples:",
            "  mgsv train --data ~/MGSV --out runs/made",
            "      ~/MGSV: dataset/MGSV-EC/{train,val}_data.csv + features/Kuai_feature/",
            "  mgsv train --data packed/mgsv-ec --out runs/quick --epochs 5 --skip-bad",
            "  mgsv train --train-csv train.csv --val-csv val.csv --features feats/ \\",
            "      --out runs/r2 --batch-size 128 --micro-batch 8",
            "  mgsv train --data ~/MGSV --out runs/made --resume     (after a kill)",
            "  mgsv train --data ~/MGSV --out runs/small --config small.json --lr 1e-3"
        })
public final class TrainCommand extends ModelCommand {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "<dataset>",
            description = "dataset folder (reference layout, <split>_data.csv + features, or a packed store)")
    Path data;

    @Option(names = "--train-csv", paramLabel = "<csv>", description = "training annotations (instead of --data)")
    Path trainCsv;

    @Option(names = "--val-csv", paramLabel = "<csv>", description = "validation annotations (instead of --data)")
    Path valCsv;

    @Option(names = "--features", paramLabel = "<dir>", description = "feature root or packed store (with --train-csv)")
    Path features;

    @Option(names = "--out", required = true, paramLabel = "<run-dir>", description = "run directory")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs (default 100)")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "training batch (default 512)")
    Integer batchSize;

    @Option(names = "--eval-batch-size", paramLabel = "B", description = "validation batch (default 64)")
    Integer evalBatchSize;

    @Option(names = "--micro-batch", paramLabel = "b",
            description = "compute each step's gradient in slices of b pairs: the same gradient with memory bounded "
                    + "by b (one more encoder pass per step); 0 = whole batch at once; default: whole batch up to 32 "
                    + "pairs, slices of 32 above")
    Integer microBatch;

    @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate of every group (default 3e-4)")
    Double lr;

    @Option(names = "--seed", paramLabel = "S", description = "seed of initialisation, shuffling, dropout (default 42)")
    Long seed;

    @Option(names = "--config", paramLabel = "<cfg.json>", description = "model configuration (default: the reference)")
    Path config;

    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint")
    boolean resume;

    @Option(names = "--skip-bad", description = "train without pairs whose features are missing or invalid")
    boolean skipBad;

    @Option(names = "--train-split", paramLabel = "<name>", defaultValue = "train",
            description = "training split of --data (default train)")
    String trainSplit;

    @Option(names = "--val-split", paramLabel = "<name|fraction>", defaultValue = "val",
            description = "validation split of --data (default val), or a fraction such as 0.1 of the training pairs "
                    + "held out (seeded)")
    String valSplit;

    @Option(names = "--train-query-embed", description = "also train decoder_query_embed (the reference never does)")
    boolean trainQueryEmbed;

    @Option(names = "--no-zero-lr-first-step",
            description = "start the warm-up at its second value (the reference's first update has lr 0)")
    boolean noZeroFirstStep;

    @Option(names = "--max-epochs-this-run", paramLabel = "N", hidden = true,
            description = "stop after N epochs of this invocation (resume later)")
    int maxEpochsThisRun;

    @Override
    Integer run() throws IOException {
        MadeConfig cfg;
        TrainOptions opt;
        MadeTrainer.recoverCheckpoints(out);
        Path state = out.resolve(MadeTrainer.LAST).resolve(MadeTrainer.STATE_DIR).resolve("state.json");
        if (resume) {
            if (!Files.isRegularFile(state)) {
                throw new MgsvException(out + ": nothing to resume (no " + MadeTrainer.LAST + "/ checkpoint)");
            }
            JsonNode st = new ObjectMapper().readTree(state.toFile());
            cfg = config != null ? MadeConfig.read(config)
                    : MadeConfig.read(out.resolve(MadeTrainer.LAST).resolve(ModelDir.CONFIG));
            opt = new ObjectMapper().convertValue(st.get("options"), TrainOptions.class);
            TrainOptions asked = options(opt);
            if (!asked.equals(opt)) {
                throw new MgsvException("--resume continues with the options of the interrupted run (" + opt
                        + "); leave out the options that differ");
            }
        } else {
            cfg = config != null ? MadeConfig.read(config) : MadeConfig.reference();
            opt = options(TrainOptions.reference());
        }
        FeatureSpec fspec = cfg.featureSpec();
        try (DatasetLayout layout = layout(fspec)) {
            List<TrainPair> train = TrainPair.ofSplit(layout, trainSplit);
            List<TrainPair> val;
            Double frac = fraction(valSplit);
            if (frac != null) {
                List<TrainPair> shuffled = new ArrayList<>(train);
                SplittableRandom r = new SplittableRandom(opt.seed());
                for (int i = shuffled.size() - 1; i > 0; i--) {
                    java.util.Collections.swap(shuffled, i, r.nextInt(i + 1));
                }
                int nv = Math.max(1, (int) Math.round(frac * shuffled.size()));
                val = new ArrayList<>(shuffled.subList(0, nv));
                java.util.Set<TrainPair> held = new java.util.HashSet<>(val);
                List<TrainPair> rest = new ArrayList<>();
                for (TrainPair p : train) {
                    if (!held.contains(p)) {
                        rest.add(p);
                    }
                }
                train = rest;
            } else {
                val = TrainPair.ofSplit(layout, valSplit);
            }
            FeatureSource fs = FeatureSource.of(layout.features());
            DataCheck.Result tr = DataCheck.check(trainSplit, train, fs, cfg.frameSlots(), cfg.frameFeatDim(),
                    cfg.segmentSlots(), cfg.segmentFeatDim(), skipBad, true);
            DataCheck.Result vr = DataCheck.check(frac != null ? "held-out" : valSplit, val, fs, cfg.frameSlots(),
                    cfg.frameFeatDim(), cfg.segmentSlots(), cfg.segmentFeatDim(), skipBad, true);
            if (tr.skipped() + vr.skipped() > 0) {
                spec.commandLine().getErr().printf(Locale.ROOT,
                        "skipping %d training and %d validation pairs with bad data (first: %s)%n", tr.skipped(),
                        vr.skipped(), tr.problems().isEmpty() ? vr.problems().get(0) : tr.problems().get(0));
                spec.commandLine().getErr().flush();
            }
            Map<String, Object> desc = new LinkedHashMap<>();
            desc.put("data", data != null ? data.toAbsolutePath().toString() : null);
            desc.put("trainCsv", layout.csv(trainSplit).toAbsolutePath().toString());
            desc.put("valSplit", valSplit);
            desc.put("features", layout.featuresPath().toAbsolutePath().toString());
            desc.put("trainPairs", tr.kept().size());
            desc.put("valPairs", vr.kept().size());
            desc.put("skippedBadPairs", tr.skipped() + vr.skipped());
            desc.put(org.mgsv.model.FeatureSpace.KEY, org.mgsv.model.FeatureSpace.ofData(data, layout.featuresPath()));
            MadeTrainer t = new MadeTrainer(cfg, opt, new MadeTrainer.Data(tr.kept(), vr.kept(), fs, desc), out, true);
            spec.commandLine().getErr().printf(Locale.ROOT, "training on %d pairs (%d steps/epoch of %d), validating on %d; run dir %s%n",
                    tr.kept().size(), t.stepsPerEpoch(), Math.min(opt.batchSize(), tr.kept().size()),
                    vr.kept().size(), out);
            spec.commandLine().getErr().flush();
            MadeTrainer.Result r = t.run(resume, maxEpochsThisRun);
            spec.commandLine().getOut().printf(Locale.ROOT, "done: %d epochs, %d steps; last val R1 %.2f mIoU %.4f MoR1@0.5 %.2f -> %s%n",
                    r.epochsDone(), r.steps(), r.lastVal().getOrDefault("R1", Double.NaN),
                    r.lastVal().getOrDefault("mIoU", Double.NaN), r.lastVal().getOrDefault("R1_iou0.5", Double.NaN),
                    out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private TrainOptions options(TrainOptions base) {
        TrainOptions o = base;
        if (epochs != null) {
            o = o.withEpochs(epochs);
        }
        if (batchSize != null) {
            o = o.withBatchSize(batchSize);
        }
        if (evalBatchSize != null) {
            o = o.withEvalBatchSize(evalBatchSize);
        }
        if (lr != null) {
            o = o.withLr(lr);
        }
        if (microBatch != null) {
            o = o.withMicroBatch(microBatch);
        }
        if (seed != null) {
            o = o.withSeed(seed);
        }
        if (trainQueryEmbed || noZeroFirstStep) {
            o = o.withQuirks(trainQueryEmbed || o.trainQueryEmbed(), !noZeroFirstStep && o.zeroFirstStep());
        }
        return o;
    }

    private DatasetLayout layout(FeatureSpec spec) {
        if (data != null) {
            if (trainCsv != null || valCsv != null || features != null) {
                throw new MgsvException("give either --data or --train-csv/--val-csv/--features, not both");
            }
            return DatasetLayout.resolve(data, spec);
        }
        if (trainCsv == null || features == null) {
            throw new MgsvException("missing data: give --data <dataset>, or --train-csv and --features");
        }
        Map<String, Path> csvs = new LinkedHashMap<>();
        csvs.put(trainSplit, trainCsv);
        if (valCsv != null) {
            csvs.put(valSplit, valCsv);
        }
        return DatasetLayout.of(csvs, features, spec);
    }

    private static Double fraction(String s) {
        try {
            double v = Double.parseDouble(s);
            if (!(v > 0 && v < 1)) {
                throw new MgsvException("--val-split: a fraction must be in (0, 1), got " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
