package org.mgsv.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mgsv.core.MgsvException;
import org.mgsv.core.features.DirectoryFeatureStore;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.features.FeatureStore;
import org.mgsv.core.features.PackedFeatureStore;
import org.mgsv.core.util.ConsoleProgress;

/**
 * Where a dataset's annotation CSVs and features are. A {@code <dataset>} argument may be:
 * <ul>
 *   <li>a folder laid out as the reference repository: {@code dataset/MGSV-EC/<split>_data.csv} and
 *       {@code features/Kuai_feature/{vit_feature1,ast_feature2p5}/...};</li>
 *   <li>a folder holding {@code <split>_data.csv} files next to {@code vit_feature1/} and {@code ast_feature2p5/};</li>
 *   <li>a packed store made by {@code mgsv pack} (it carries copies of the CSVs it was packed from; a CSV
 *       packed as {@code mine.csv} is split {@code mine});</li>
 *   <li>or explicit CSV and feature paths ({@link #of}).</li>
 * </ul>
 * Splits are named after their files: {@code train_data.csv} is split {@code train}.
 */
public final class DatasetLayout implements AutoCloseable {
    public static final String CSV_SUFFIX = "_data.csv";

    private final String origin;
    private final Map<String, Path> csvs;
    private final Path features;
    private final FeatureSpec spec;
    private final Map<String, List<Annotation>> cache = new ConcurrentHashMap<>();
    private FeatureStore store;

    private DatasetLayout(String origin, Map<String, Path> csvs, Path features, FeatureSpec spec) {
        this.origin = origin;
        this.csvs = csvs;
        this.features = features;
        this.spec = spec;
    }

    /** Resolves a {@code <dataset>} argument (see the class comment) with the published feature shapes. */
    public static DatasetLayout resolve(Path dataset) {
        return resolve(dataset, FeatureSpec.MGSV_EC);
    }

    public static DatasetLayout resolve(Path dataset, FeatureSpec spec) {
        if (!Files.isDirectory(dataset)) {
            throw new MgsvException("dataset folder not found: " + dataset);
        }
        if (PackedFeatureStore.looksLikeStore(dataset)) {
            return new DatasetLayout(dataset.toString(), splitsIn(dataset, ".csv"), dataset, spec);
        }
        Path refCsv = dataset.resolve("dataset").resolve("MGSV-EC");
        Path refFeat = dataset.resolve("features").resolve("Kuai_feature");
        Map<String, Path> csvs = splitsIn(Files.isDirectory(refCsv) ? refCsv : dataset, CSV_SUFFIX);
        Path feats = DirectoryFeatureStore.looksLikeRoot(refFeat) ? refFeat
                : DirectoryFeatureStore.looksLikeRoot(dataset) ? dataset : null;
        if (csvs.isEmpty() || feats == null) {
            throw new MgsvException("cannot find the dataset in " + dataset + ": expected "
                    + "dataset/MGSV-EC/<split>_data.csv and features/Kuai_feature/{vit_feature1,ast_feature2p5}/ "
                    + "(the reference layout), or a store made by 'mgsv pack'"
                    + (csvs.isEmpty() ? " (no *_data.csv found)" : " (no features found)"));
        }
        return new DatasetLayout(dataset.toString(), csvs, feats, spec);
    }

    /**
     * Explicit paths: {@code csvs} by split name and {@code features} = a feature root (holding vit_feature1/ and
     * ast_feature2p5/), a folder with {@code features/Kuai_feature} inside, or a packed store.
     */
    public static DatasetLayout of(Map<String, Path> csvs, Path features, FeatureSpec spec) {
        for (Path p : csvs.values()) {
            if (!Files.isRegularFile(p)) {
                throw new MgsvException("annotation file not found: " + p);
            }
        }
        return new DatasetLayout(features.toString(), new LinkedHashMap<>(csvs), featureRoot(features), spec);
    }

    /** The split name of a CSV file: {@code val_data.csv} → {@code val}, other names → the file stem. */
    public static String splitName(Path csv) {
        String n = csv.getFileName().toString();
        if (n.endsWith(CSV_SUFFIX)) {
            return n.substring(0, n.length() - CSV_SUFFIX.length());
        }
        return n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
    }

    /**
     * Resolves a features argument to the directory holding vit_feature1/ and ast_feature2p5/ (accepting the
     * folder above {@code features/Kuai_feature}) or to a packed store.
     */
    public static Path featureRoot(Path p) {
        if (PackedFeatureStore.looksLikeStore(p) || DirectoryFeatureStore.looksLikeRoot(p)) {
            return p;
        }
        Path nested = p.resolve("features").resolve("Kuai_feature");
        if (DirectoryFeatureStore.looksLikeRoot(nested)) {
            return nested;
        }
        Path kuai = p.resolve("Kuai_feature");
        if (DirectoryFeatureStore.looksLikeRoot(kuai)) {
            return kuai;
        }
        throw new MgsvException("no features in " + p + ": expected vit_feature1/ and ast_feature2p5/ (the "
                + "published Kuai_feature layout) or a store made by 'mgsv pack'");
    }

    /** Opens the feature store at {@code p} (packed store or published layout). */
    public static FeatureStore openFeatures(Path p, FeatureSpec spec) {
        Path root = featureRoot(p);
        if (PackedFeatureStore.looksLikeStore(root)) {
            PackedFeatureStore s = PackedFeatureStore.open(root);
            if (!s.spec().equals(spec)) {
                throw new MgsvException("packed store " + root + " holds features of shape " + s.spec()
                        + ", expected " + spec);
            }
            return s;
        }
        return new DirectoryFeatureStore(root, spec);
    }

    /** CSVs in {@code dir} whose names end with {@code suffix}, by split name (train, val, test first). */
    private static Map<String, Path> splitsIn(Path dir, String suffix) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String s : List.of("train", "val", "test")) {
            Path p = dir.resolve(s + CSV_SUFFIX);
            if (Files.isRegularFile(p)) {
                out.put(s, p);
            }
        }
        try (var st = Files.list(dir)) {
            st.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted()
                    .forEach(p -> out.putIfAbsent(splitName(p), p));
        } catch (java.io.IOException e) {
            throw new MgsvException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The split names found (train, val, test first). */
    public Set<String> splits() {
        return Collections.unmodifiableSet(csvs.keySet());
    }

    public boolean hasSplit(String split) {
        return csvs.containsKey(split);
    }

    /** The CSV of {@code split}; error listing the known splits if absent. */
    public Path csv(String split) {
        Path p = csvs.get(split);
        if (p == null) {
            throw new MgsvException("no '" + split + "' split in " + origin + " (expected " + split + CSV_SUFFIX
                    + "; found: " + (csvs.isEmpty() ? "none" : String.join(", ", csvs.keySet())) + ")");
        }
        return p;
    }

    /** The validated annotations of {@code split} (read once). */
    public List<Annotation> annotations(String split) {
        return cache.computeIfAbsent(split, s -> Collections.unmodifiableList(AnnotationCsv.read(csv(s))));
    }

    /** Where the features are (a feature root or a packed store). */
    public Path featuresPath() {
        return features;
    }

    /** The feature store (opened on first use, closed with this layout). */
    public synchronized FeatureStore features() {
        if (store == null) {
            store = openFeatures(features, spec);
        }
        return store;
    }

    /** A feature problem found by {@link #validate}. */
    public record Problem(String kind, String id, String message) {
        @Override
        public String toString() {
            return kind + " " + id + ": " + message;
        }
    }

    /** Checks every id of {@code split}: features present, of the right shape, finite, with 0/1 masks. */
    public List<Problem> validate(String split) {
        return validate(split, null);
    }

    /** As {@link #validate(String)}, stepping {@code bar} (may be null) once per row. */
    public List<Problem> validate(String split, ConsoleProgress bar) {
        FeatureStore fs = features();
        List<Problem> problems = new ArrayList<>();
        Set<String> seenMusic = new HashSet<>();
        for (Annotation a : annotations(split)) {
            check(problems, "video", a.videoId(), () -> fs.hasVideo(a.videoId()), () -> fs.video(a.videoId()));
            if (seenMusic.add(a.musicId())) {
                check(problems, "music", a.musicId(), () -> fs.hasMusic(a.musicId()), () -> fs.music(a.musicId()));
            }
            if (bar != null) {
                bar.step();
            }
        }
        return problems;
    }

    private void check(List<Problem> out, String kind, String id, java.util.function.BooleanSupplier has,
            Runnable read) {
        if (!has.getAsBoolean()) {
            out.add(new Problem(kind, id, "no " + kind + " features in " + features));
            return;
        }
        try {
            read.run();
        } catch (MgsvException e) {
            out.add(new Problem(kind, id, e.getMessage()));
        }
    }

    /** The rows of {@code split} whose video and music have no problem in {@code problems}. */
    public List<Annotation> withoutProblems(String split, List<Problem> problems) {
        return withoutProblems(annotations(split), problems);
    }

    /** The {@code rows} whose video and music have no problem in {@code problems}. */
    public static List<Annotation> withoutProblems(List<Annotation> rows, List<Problem> problems) {
        Set<String> badVideo = new HashSet<>();
        Set<String> badMusic = new HashSet<>();
        for (Problem p : problems) {
            (p.kind().equals("video") ? badVideo : badMusic).add(p.id());
        }
        List<Annotation> out = new ArrayList<>();
        for (Annotation a : rows) {
            if (!badVideo.contains(a.videoId()) && !badMusic.contains(a.musicId())) {
                out.add(a);
            }
        }
        return out;
    }

    /** A short multi-line report: the count and the first {@code max} problems. */
    public static String describe(List<Problem> problems, int max) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size()).append(" feature problem").append(problems.size() == 1 ? "" : "s");
        for (int i = 0; i < Math.min(max, problems.size()); i++) {
            sb.append("\n  ").append(problems.get(i));
        }
        if (problems.size() > max) {
            sb.append("\n  ... and ").append(problems.size() - max).append(" more");
        }
        return sb.toString();
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
