package org.mgsv.annotate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.mgsv.core.MgsvException;

/**
 * Train/val/test assignment as in MGSV-EC: every video is in exactly one split, and val and test hold at most
 * one video per track (so their music-retrieval candidate sets have no duplicates); the other videos of a track
 * chosen for val or test go to train. Deterministic for a seed.
 */
public final class Splits {
    private Splits() {}

    /** Fractions of the videos for train, val and test (they sum to 1). */
    public record Ratios(double train, double val, double test) {
        public Ratios {
            if (train < 0 || val < 0 || test < 0 || Math.abs(train + val + test - 1) > 1e-6) {
                throw new MgsvException("--split: fractions must be non-negative and sum to 1 (got train=" + train
                        + ", val=" + val + ", test=" + test + ")");
            }
        }

        /** Parses {@code train=0.8,val=0.1,test=0.1} (missing names are 0). */
        public static Ratios parse(String s) {
            double tr = 0, va = 0, te = 0;
            for (String part : s.split(",")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length != 2) {
                    throw new MgsvException("--split: '" + part + "' is not name=fraction (e.g. train=0.8,val=0.1,test=0.1)");
                }
                double v;
                try {
                    v = Double.parseDouble(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new MgsvException("--split: '" + kv[1] + "' is not a number");
                }
                switch (kv[0].trim()) {
                    case "train" -> tr = v;
                    case "val" -> va = v;
                    case "test" -> te = v;
                    default -> throw new MgsvException("--split: unknown split '" + kv[0] + "' (train, val, test)");
                }
            }
            return new Ratios(tr, va, te);
        }
    }

    /** Rows by split name (train, val, test), each sorted by video id. */
    public static Map<String, List<Annotator.Row>> assign(List<Annotator.Row> rows, Ratios r, long seed) {
        Map<String, List<Annotator.Row>> byTrack = new TreeMap<>();
        for (Annotator.Row row : rows) {
            byTrack.computeIfAbsent(row.annotation().musicId(), k -> new ArrayList<>()).add(row);
        }
        Random rnd = new Random(seed);
        List<String> tracks = new ArrayList<>(byTrack.keySet());
        Collections.shuffle(tracks, rnd);
        int n = rows.size();
        int wantVal = (int) Math.round(r.val() * n);
        int wantTest = (int) Math.round(r.test() * n);
        List<Annotator.Row> train = new ArrayList<>(), val = new ArrayList<>(), test = new ArrayList<>();
        for (String t : tracks) {
            List<Annotator.Row> vs = new ArrayList<>(byTrack.get(t));
            vs.sort(java.util.Comparator.comparing(x -> x.annotation().videoId()));
            Collections.shuffle(vs, rnd);
            int from = 0;
            // one video of this track to val (then test) while they need more; the rest to train
            if (val.size() < wantVal) {
                val.add(vs.get(from++));
            } else if (test.size() < wantTest) {
                test.add(vs.get(from++));
            }
            train.addAll(vs.subList(from, vs.size()));
        }
        Map<String, List<Annotator.Row>> out = new LinkedHashMap<>();
        for (var e : Map.of("train", train, "val", val, "test", test).entrySet()) {
            e.getValue().sort(java.util.Comparator.comparing(x -> x.annotation().videoId()));
        }
        if (r.train() > 0 || !train.isEmpty()) {
            out.put("train", train);
        }
        if (r.val() > 0) {
            out.put("val", val);
        }
        if (r.test() > 0) {
            out.put("test", test);
        }
        return out;
    }
}
