package org.mgsv.app.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.metrics.MomentIou;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.metrics.QueryOutcome;
import org.mgsv.core.metrics.RunEntry;
import org.mgsv.core.metrics.RunFile;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.core.util.ConsoleProgress;
import org.mgsv.core.util.Json;
import org.mgsv.model.ModelDir;
import org.mgsv.model.eval.MsgEvaluator;
import org.mgsv.model.eval.MsgResult;
import org.mgsv.model.eval.StorePairs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mgsv eval}: a model on a dataset split with the paper's metrics (streamed MsG evaluation). */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate a model on a dataset split and print the paper's table.",
            "Ranks every distinct track of the split for each video (dual + X-Pool score, "
            + "music-id de-duplication), predict the moment in the ground-truth track, and print the paper's table "
            + "(SmG mIoU; V2MR R1/R5/R10; MsG MoR1/MoR10/MoR100) plus IoU@θ, MedianR, MeanR, MRR.",
            "Memory is bounded by the chunk sizes, not by the split size."
        },
        footer = {
            "",
            "<dataset>: a folder in the reference layout (dataset/MGSV-EC/<split>_data.csv + features/Kuai_feature/...), "
            + "a folder with <split>_data.csv next to vit_feature1/ and ast_feature2p5/, or a packed store (mgsv pack).",
            "--model: a model directory (import-torch, or a checkpoint) or a training run directory (then --pick).",
            "The run file (--run) lists each query's top --top tracks; ranks are exact in the printed metrics.",
            "",
            "Examples:",
            "  mgsv eval --data data/MGSV-EC --split test --model models/made-ref",
            "  mgsv eval --data data/MGSV-EC --split val --model runs/r1 --pick best-r1 --json val.json --run val.jsonl"
        })
public final class EvalCommand extends ModelCommand {
    @Option(names = "--data", required = true, paramLabel = "<dataset>", description = "dataset folder or packed store")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "split to evaluate (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--model", required = true, paramLabel = "<dir>", description = "model directory or training run directory")
    Path model;

    @Option(names = "--pick", defaultValue = "best-mor1", description = "checkpoint of a run directory: best-mor1|best-r1|best-miou|last (default ${DEFAULT-VALUE})")
    String pick;

    @Option(names = "--json", paramLabel = "<out.json>", description = "write every metric to this JSON file")
    Path json;

    @Option(names = "--run", paramLabel = "<out.jsonl>", description = "write the run file that 'mgsv score' reads")
    Path run;

    @Option(names = "--top", defaultValue = "100", description = "tracks listed per query in the run file (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--skip-bad", description = "skip rows whose features are missing or invalid (default: stop with the list)")
    boolean skipBad;

    @Option(names = "--chunk", defaultValue = "8", description = "pairs per encode/detect chunk (default ${DEFAULT-VALUE})")
    int chunk;

    @Spec CommandSpec spec;

    /** A model directory itself, or {@code <run>/<pick>} of a training run directory. */
    static Path resolveModel(Path model, String pick) {
        if (ModelDir.isModelDir(model)) {
            return model;
        }
        Path p = model.resolve(pick);
        if (ModelDir.isModelDir(p)) {
            return p;
        }
        throw new MgsvException(model + ": neither a model directory nor a run directory with a '" + pick + "' checkpoint");
    }

    @Override
    Integer run() throws Exception {
        if (top < 0 || chunk < 1) {
            throw new MgsvException("--top must be >= 0 and --chunk >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path modelDir = resolveModel(model, pick);
        org.mgsv.model.eval.EvalMemory.tune(); // resident memory follows live tensors
        try (NDManager m = NDManager.newBaseManager(); ModelDir.Loaded loaded = ModelDir.load(modelDir, m);
                DatasetLayout layout = DatasetLayout.resolve(data, loaded.config().featureSpec())) {
            if (!layout.hasSplit(split)) {
                throw new MgsvException(data + ": no split '" + split + "' (splits: " + layout.splits() + ")");
            }
            List<Annotation> rows = layout.annotations(split);
            List<DatasetLayout.Problem> problems;
            try (ConsoleProgress bar = new ConsoleProgress("check " + split, rows.size())) {
                problems = layout.validate(split, bar);
            }
            if (!problems.isEmpty()) {
                if (!skipBad) {
                    throw new MgsvException(data + " (" + split + "): " + DatasetLayout.describe(problems, 10)
                            + "\n(use --skip-bad to evaluate without these rows)");
                }
                rows = layout.withoutProblems(split, problems);
                err.println("warning: skipped rows with " + DatasetLayout.describe(problems, 5));
            }
            if (rows.isEmpty()) {
                throw new MgsvException(data + " (" + split + "): no rows to evaluate");
            }
            StorePairs src = new StorePairs(rows, layout.features(), loaded.config());
            MsgEvaluator ev = new MsgEvaluator(loaded.network(),
                    new MsgEvaluator.Options(chunk, MsgEvaluator.Options.defaults().musicChunk(),
                            MsgEvaluator.Options.defaults().videoBlock(), top, true));
            long t0 = System.nanoTime();
            MsgResult r = ev.evaluate(src);
            double secs = (System.nanoTime() - t0) / 1e9;
            List<QueryOutcome> outcomes = new ArrayList<>(rows.size());
            List<RunEntry> entries = new ArrayList<>(rows.size());
            int ties = 0;
            for (int i = 0; i < rows.size(); i++) {
                Annotation a = rows.get(i);
                float iou = MomentIou.iou(a.musicStart(), a.musicEnd(), a.musicTotalDuration(), r.predStart()[i], r.predEnd()[i]);
                outcomes.add(QueryOutcome.ranked(r.rank0()[i], iou));
                ties += r.ties()[i] > 0 ? 1 : 0;
                if (run != null) {
                    entries.add(new RunEntry(a.videoId(), a.musicId(), r.ranking(i), r.predStart()[i], r.predEnd()[i],
                            a.musicStart(), a.musicEnd(), a.musicTotalDuration()));
                }
            }
            PaperMetrics metrics = Scorer.scoreOutcomes(outcomes);
            for (String w : metrics.warnings()) {
                err.println("warning: " + w);
            }
            if (ties > 0) {
                err.printf(Locale.ROOT, "note: %d queries tie with their ground-truth score; ties are ranked in split order%n", ties);
            }
            err.flush();
            out.printf(Locale.ROOT, "%s: %d queries, %d tracks, model %s (%.1f s)%n", split, rows.size(), r.musicIds().size(),
                    modelDir, secs);
            out.print(metrics.table());
            if (run != null) {
                RunFile.write(run, entries);
                out.println("run file written to " + run);
            }
            if (json != null) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("data", data.toString());
                doc.put("split", split);
                doc.put("model", modelDir.toString());
                doc.put("queries", rows.size());
                doc.put("seconds", secs);
                doc.putAll(metrics.toJson());
                Json.write(json, doc);
                out.println("metrics written to " + json);
            }
            out.flush();
            return 0;
        }
    }

}
