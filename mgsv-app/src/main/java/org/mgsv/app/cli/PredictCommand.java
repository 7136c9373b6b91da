package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mgsv.model.MadePredictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgsv predict}: the network on a batch of feature arrays. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Run a MaDe model on a batch of pre-extracted features (inference mode).",
            "Inputs (.npz): frame_feats [B,50,512], frame_masks [B,50], segment_feats [B,96,768], segment_masks [B,96] "
            + "(masks 1 = valid). Outputs (.npz): video_feats, music_feats [B,256]; dual_sim_matrix, single_sim_matrix, "
            + "sim_matrix [B,B] (rows = videos, columns = musics); pred_logits [B,1,2] (index 0 = foreground); "
            + "pred_spans [B,1,2] (center, width) / 240; pred_st_ed_score_sec [B,3] (start s, end s, score)."
        },
        footer = {
            "",
            "Examples:",
            "  mgsv predict --model models/made-ref --inputs batch.npz --out pred.npz",
            "  mgsv predict --model runs/r1/best-mor1 --inputs batch.npz --out pred.npz"
        })
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<model-dir>", description = "model directory (import-torch or a training checkpoint)")
    Path model;

    @Option(names = "--inputs", required = true, paramLabel = "<in.npz>", description = "input arrays")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "<out.npz>", description = "output arrays (written atomically)")
    Path out;

    @Override
    public Integer call() {
        long b = MadePredictor.run(model, inputs, out);
        System.out.println("predicted " + b + " pairs -> " + out);
        return 0;
    }
}
