package org.mgsv.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeNetwork;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.eval.MsgEvaluator;
import org.mgsv.model.eval.MsgResult;
import org.mgsv.model.eval.SyntheticPairs;

/**
 * The full streamed MsG evaluation on N synthetic pairs of the reference shapes ({@code mgsv bench eval}): encode N
 * videos and N musics, detect the moment of each ground-truth pair, rank all N x N pairs; every run timed, after
 * untimed warm-up runs.
 */
public final class EvalBench {
    private EvalBench() {}

    /**
     * One run: its place ({@code index} counts from 1 among the warm-up runs, and again among the timed ones),
     * seconds in all and per pass, and how many ground-truth pairs were ranked first.
     */
    public record Run(boolean timed, int index, double seconds, double pass1Seconds, double pass2Seconds,
            int rankedFirst) {}

    /** The timed runs (seconds, in all and per pass) and the configuration of the weights evaluated. */
    public record Result(MadeConfig config, List<Double> seconds, List<Double> pass1Seconds,
            List<Double> pass2Seconds, TorchProfile.Summary profile, int[] validFrames, int[] validSegments) {}

    /**
     * Evaluates {@code n} synthetic pairs {@code warmup + runs} times with the weights in {@code model} (null: the
     * reference configuration at its initialisation, seed 0); {@code onRun} hears of every run as it ends. With
     * {@code profile}, one run more goes under libtorch's profiler, which writes its trace there (that run is
     * slower and left out of the timings).
     */
    public static Result run(Path model, MsgEvaluator.Options opt, int n, int warmup, int runs, Path profile,
            Consumer<Run> onRun) {
        List<Double> times = new ArrayList<>();
        List<Double> pass1 = new ArrayList<>();
        List<Double> pass2 = new ArrayList<>();
        MadeConfig config;
        int[] frames = new int[n];
        int[] segments = new int[n];
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams params = model != null ? ModelDir.load(model, m).params()
                    : MadeParams.initialize(MadeConfig.reference(), m, 0);
            config = params.config();
            MsgEvaluator ev = new MsgEvaluator(new MadeNetwork(params), opt);
            SyntheticPairs src = new SyntheticPairs(n, 1, config);
            for (int i = 0; i < n; i++) {
                frames[i] = src.videoLengthHint(i);
                segments[i] = src.musicLengthHint(i);
            }
            for (int i = 0; i < warmup + runs; i++) {
                long t0 = System.nanoTime();
                MsgResult r = ev.evaluate(src);
                double s = (System.nanoTime() - t0) / 1e9;
                boolean timed = i >= warmup;
                onRun.accept(new Run(timed, timed ? i - warmup + 1 : i + 1, s, r.pass1Seconds(), r.pass2Seconds(),
                        count(r.rank0())));
                if (timed) {
                    times.add(s);
                    pass1.add(r.pass1Seconds());
                    pass2.add(r.pass2Seconds());
                }
            }
            if (profile != null) {
                JniUtils.startProfile(false, true, false);
                ev.evaluate(src);
                JniUtils.stopProfile(profile.toAbsolutePath().toString());
            }
        }
        return new Result(config, times, pass1, pass2, profile == null ? null : TorchProfile.read(profile), frames,
                segments);
    }

    private static int count(int[] rank0) {
        int c = 0;
        for (int r : rank0) {
            if (r == 0) {
                c++;
            }
        }
        return c;
    }
}
