package org.mgsv.model.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.ConsoleProgress;

/**
 * Up-front validation of a split before training: every video and music id of the annotation must have a
 * feature file, of the expected shape, with finite values, a non-empty mask, and the pair a valid moment. Bad
 * pairs either stop the run with a message listing the first few and the count, or are dropped (skip mode).
 */
public final class DataCheck {
    private DataCheck() {}

    /** Result: the pairs kept and a description of every problem found. */
    public record Result(List<TrainPair> kept, List<String> problems, int skipped) {}

    public static Result check(String split, List<TrainPair> pairs, FeatureSource src, int frameSlots, int frameDim,
            int segmentSlots, int segmentDim, boolean skipBad, boolean showProgress) {
        Map<String, String> videoProblem = new HashMap<>();
        Map<String, String> musicProblem = new HashMap<>();
        List<String> problems = new ArrayList<>();
        List<TrainPair> kept = new ArrayList<>();
        ConsoleProgress bar = showProgress ? new ConsoleProgress("check " + split, pairs.size()) : null;
        try {
            for (TrainPair p : pairs) {
                String vp = videoProblem.computeIfAbsent(p.videoId(),
                        id -> problem(() -> src.video(id), frameSlots, frameDim, "video " + id));
                String mp = musicProblem.computeIfAbsent(p.musicId(),
                        id -> problem(() -> src.music(id), segmentSlots, segmentDim, "music " + id));
                String pp = "";
                if (!(p.musicEnd() > p.musicStart()) || !Double.isFinite(p.musicStart()) || p.musicStart() < 0) {
                    pp = p.source() + ": invalid moment music_start=" + p.musicStart() + " music_end=" + p.musicEnd();
                }
                boolean bad = false;
                for (String s : new String[] {vp, mp, pp}) {
                    if (!s.isEmpty()) {
                        bad = true;
                        problems.add(p.source() + " (" + p.videoId() + ", " + p.musicId() + "): " + s);
                    }
                }
                if (!bad) {
                    kept.add(p);
                }
                if (bar != null) {
                    bar.step();
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        int skipped = pairs.size() - kept.size();
        if (skipped > 0 && !skipBad) {
            StringBuilder sb = new StringBuilder();
            sb.append(split).append(": ").append(skipped).append(" of ").append(pairs.size())
                    .append(" pairs have bad data (rerun with --skip-bad to train without them):");
            for (int i = 0; i < Math.min(5, problems.size()); i++) {
                sb.append("\n  ").append(problems.get(i));
            }
            if (problems.size() > 5) {
                sb.append("\n  ... and ").append(problems.size() - 5).append(" more");
            }
            throw new MgsvException(sb.toString());
        }
        if (kept.isEmpty()) {
            throw new MgsvException(split + ": no usable pairs");
        }
        return new Result(kept, problems, skipped);
    }

    private interface Load {
        FeatureSource.Features get();
    }

    /** "" when fine, else the problem. */
    private static String problem(Load load, int slots, int dim, String what) {
        FeatureSource.Features f;
        try {
            f = load.get();
        } catch (MgsvException | java.io.UncheckedIOException e) {
            return e.getMessage();
        }
        if (f.slots() != slots || f.dim() != dim || f.mask().length != slots) {
            return what + ": shape [" + f.slots() + ", " + f.dim() + "] (mask " + f.mask().length + "), expected ["
                    + slots + ", " + dim + "]";
        }
        float[] v = f.values();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return what + ": non-finite value " + v[i] + " at [" + (i / dim) + ", " + (i % dim) + "]";
            }
        }
        double msum = 0;
        for (float x : f.mask()) {
            if (!Float.isFinite(x)) {
                return what + ": non-finite mask value";
            }
            msum += x;
        }
        if (msum <= 0) {
            return what + ": empty mask (no valid slot)";
        }
        return "";
    }
}
