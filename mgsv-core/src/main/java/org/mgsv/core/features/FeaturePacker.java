package org.mgsv.core.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.util.ConsoleProgress;

/**
 * Packs the features of every id in some annotation CSVs into a {@link PackedFeatureStore} (what
 * {@code mgsv pack} runs). The CSVs are copied into the store, so the store alone is a dataset
 * ({@link DatasetLayout#resolve} accepts it). Without {@code skipBad} the first missing or invalid feature file
 * stops the pack (nothing is written); with it, bad ids are reported and their rows left out of the copied CSVs.
 */
public final class FeaturePacker {
    private FeaturePacker() {}

    /** What a pack did. */
    public record Summary(Path store, int videos, int music, List<DatasetLayout.Problem> skipped,
            Map<String, Integer> rowsPerSplit, long bytes, double seconds) {}

    /**
     * @param features a feature root in the published layout (or the folder above features/Kuai_feature, or a
     *     packed store to re-pack)
     * @param csvs annotation CSVs; their file names must differ (they are copied under the same names)
     * @param bar makes the progress bar for a given number of records
     */
    public static Summary pack(Path features, List<Path> csvs, Path out, FeatureSpec spec,
            PackedFeatureStore.Precision precision, boolean skipBad, LongFunction<ConsoleProgress> bar) {
        long t0 = System.nanoTime();
        if (csvs.isEmpty()) {
            throw new MgsvException("no annotation CSV given");
        }
        Map<String, List<Annotation>> splits = new LinkedHashMap<>();
        Map<String, Path> names = new LinkedHashMap<>();
        for (Path csv : csvs) {
            String name = csv.getFileName().toString();
            Path prev = names.putIfAbsent(name, csv);
            if (prev != null) {
                throw new MgsvException("two CSVs named " + name + " (" + prev + ", " + csv
                        + "): the store keeps them by file name");
            }
            splits.put(name, AnnotationCsv.read(csv));
        }
        Path absOut = out.toAbsolutePath().normalize();
        Path root = DatasetLayout.featureRoot(features).toAbsolutePath().normalize();
        if (absOut.equals(root)) {
            throw new MgsvException("--out " + out + " is the feature source itself");
        }
        Set<String> videoIds = new LinkedHashSet<>();
        Set<String> musicIds = new LinkedHashSet<>();
        for (List<Annotation> rows : splits.values()) {
            for (Annotation a : rows) {
                videoIds.add(a.videoId());
                musicIds.add(a.musicId());
            }
        }
        List<DatasetLayout.Problem> skipped = new ArrayList<>();
        int[] counts = new int[2];
        Map<String, Integer> rowsPerSplit = new LinkedHashMap<>();
        try (FeatureStore src = DatasetLayout.openFeatures(root, spec)) {
            List<DatasetLayout.Problem> missing = new ArrayList<>();
            Set<String> noVideo = absent("video", videoIds, src::hasVideo, root, missing);
            Set<String> noMusic = absent("music", musicIds, src::hasMusic, root, missing);
            if (!missing.isEmpty() && !skipBad) {
                throw new MgsvException("features missing for ids of the CSVs: "
                        + DatasetLayout.describe(missing, 10) + "\n(use --skip-bad to pack without them)");
            }
            skipped.addAll(missing);
            long total = videoIds.size() + musicIds.size() - missing.size();
            PackedFeatureStore.write(out, spec, precision, (w, dir) -> {
                try (ConsoleProgress pb = bar.apply(total)) {
                    packAll("video", videoIds, noVideo, skipBad, skipped, pb, id -> w.addVideo(src.video(id)));
                    packAll("music", musicIds, noMusic, skipBad, skipped, pb, id -> w.addMusic(src.music(id)));
                }
                counts[0] = w.videoCount();
                counts[1] = w.musicCount();
                for (Map.Entry<String, List<Annotation>> s : splits.entrySet()) {
                    List<Annotation> kept = DatasetLayout.withoutProblems(s.getValue(), skipped);
                    if (kept.size() == s.getValue().size()) {
                        Files.copy(names.get(s.getKey()), dir.resolve(s.getKey()));
                    } else {
                        AnnotationCsv.write(dir.resolve(s.getKey()), kept);
                    }
                    rowsPerSplit.put(s.getKey(), kept.size());
                }
            });
        }
        long bytes;
        try {
            bytes = Files.size(out.resolve(PackedFeatureStore.DATA_FILE));
        } catch (java.io.IOException e) {
            throw new MgsvException("cannot read back " + out + ": " + e.getMessage(), e);
        }
        return new Summary(out, counts[0], counts[1], skipped, rowsPerSplit, bytes, (System.nanoTime() - t0) / 1e9);
    }

    /** The {@code ids} without features ({@code has} false), each also reported in {@code missing}. */
    private static Set<String> absent(String kind, Set<String> ids, Predicate<String> has, Path root,
            List<DatasetLayout.Problem> missing) {
        Set<String> out = new HashSet<>();
        for (String id : ids) {
            if (!has.test(id)) {
                out.add(id);
                missing.add(new DatasetLayout.Problem(kind, id, "no features in " + root));
            }
        }
        return out;
    }

    /** Writes one id's features. */
    @FunctionalInterface
    private interface IdWriter {
        void write(String id) throws IOException;
    }

    /**
     * Writes every id not {@code absent}; with {@code skipBad} an id whose features are invalid is added to
     * {@code skipped} instead of stopping the pack.
     */
    private static void packAll(String kind, Set<String> ids, Set<String> absent, boolean skipBad,
            List<DatasetLayout.Problem> skipped, ConsoleProgress pb, IdWriter writer) throws IOException {
        for (String id : ids) {
            if (absent.contains(id)) {
                continue;
            }
            try {
                writer.write(id);
            } catch (MgsvException e) {
                if (!skipBad) {
                    throw e;
                }
                skipped.add(new DatasetLayout.Problem(kind, id, e.getMessage()));
            }
            pb.step();
        }
    }
}
