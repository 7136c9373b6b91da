package org.mgsv.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.metrics.RunEntry;
import org.mgsv.core.metrics.RunFile;
import org.mgsv.core.metrics.Scorer;
import org.mgsv.core.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mgsv score}: the paper's metrics of a run file. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score a run file with the paper's metrics, exactly as the reference computes them.",
            "Retrieval (V2MR: R@k, MedianR, MeanR, MRR), grounding (SmG: mIoU, "
            + "IoU@θ) and both (MsG: MoR@k at θ 0.5 and 0.7).",
            ""
        },
        footer = {
            "",
            "Run file: JSON Lines, one object per query (times in seconds):",
            "  {\"video_id\": \"v1\", \"music_id\": \"<ground truth>\",",
            "   \"ranking\": [\"<music id>\", ... best first],",
            "   \"pred_start\": 12.0, \"pred_end\": 40.5, \"gt_start\": 10.0, \"gt_end\": 38.2,",
            "   \"music_duration\": 180.3}",
            "The ranking may repeat music ids (they are de-duplicated) and may be truncated:",
            "R@k and MoR@k are then reported only where exact, MedianR/MeanR/MRR only when "
            + "every ground truth is listed (else null, with a warning).",
            "R{k}_miou is the mean IoU over the queries ranked within k. The reference code "
            + "divides it once more by the number of queries; that value is written as "
            + "R{k}_miou_upstream.",
            "",
            "Examples:",
            "  mgsv score --run runs/test.jsonl",
            "  mgsv score --run runs/test.jsonl --json runs/test-metrics.json"
        })
public final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "<run.jsonl>", description = "Run file to score.")
    Path run;

    @Option(names = "--json", paramLabel = "<out.json>",
            description = "Also write every metric (null where not computable) to this JSON file (atomically).")
    Path json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        List<RunEntry> entries = RunFile.read(run);
        PaperMetrics m = Scorer.score(entries);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String w : m.warnings()) {
            err.println("warning: " + w);
        }
        err.flush();
        out.print(m.table());
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("run", run.toString());
            doc.putAll(m.toJson());
            Json.write(json, doc);
            out.println("metrics written to " + json);
        }
        out.flush();
        return 0;
    }
}
