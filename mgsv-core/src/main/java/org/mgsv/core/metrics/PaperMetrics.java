package org.mgsv.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's metrics of one run, keyed as the reference names them (see {@link #KEYS}). A value is
 * {@code null} when it cannot be computed exactly from the run (truncated rankings, see {@link Scorer}).
 *
 * <p>Units follow the reference: {@code R*}, {@code IoU@*}, {@code R*_iou*} are percentages; {@code MedianR},
 * {@code MeanR} are 1-based ranks; {@code MRR}, {@code mIoU}, {@code R*_miou} are fractions in [0, 1].
 */
public final class PaperMetrics {
    /** Recall cut-offs of V2MR. */
    public static final int[] RECALL_KS = {1, 3, 5, 10, 20, 25, 50, 100};
    /** IoU thresholds of SmG (strict {@code >}). */
    public static final String[] IOU_THRESHOLDS = {"0.3", "0.5", "0.7"};
    /** Rank cut-offs of MsG (MoR@k). */
    public static final int[] MOR_KS = {1, 10, 50, 100};
    /** IoU thresholds of MsG (strict {@code >}). */
    public static final String[] MOR_THRESHOLDS = {"0.5", "0.7"};

    /** The keys of the paper's table: SmG mIoU; V2MR R1/R5/R10; MsG MoR1/MoR10/MoR100 at θ 0.5 and 0.7. */
    public static final List<String> PAPER_KEYS = List.of("mIoU", "R1", "R5", "R10",
            "R1_iou0.5", "R10_iou0.5", "R100_iou0.5", "R1_iou0.7", "R10_iou0.7", "R100_iou0.7");

    /** Every key, in the order they are written. */
    public static final List<String> KEYS = buildKeys();

    private final int queries;
    private final Map<String, Double> values;
    private final List<String> warnings;

    PaperMetrics(int queries, Map<String, Double> values, List<String> warnings) {
        this.queries = queries;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.warnings = List.copyOf(warnings);
    }

    private static List<String> buildKeys() {
        List<String> k = new ArrayList<>();
        for (int r : RECALL_KS) {
            k.add("R" + r);
        }
        k.add("MedianR");
        k.add("MeanR");
        k.add("MRR");
        k.add("mIoU");
        for (String t : IOU_THRESHOLDS) {
            k.add("IoU@" + t);
        }
        for (String t : MOR_THRESHOLDS) {
            for (int r : MOR_KS) {
                k.add(morKey(r, t));
            }
        }
        for (int r : MOR_KS) {
            k.add(miouKey(r));
        }
        for (int r : MOR_KS) {
            k.add(miouKey(r) + UPSTREAM_SUFFIX);
        }
        return List.copyOf(k);
    }

    /** Suffix of the keys holding the reference code's own (doubly divided) {@code R*_miou} values. */
    public static final String UPSTREAM_SUFFIX = "_upstream";

    /** Key of MoR@k at IoU threshold {@code theta} ("0.5"/"0.7"), e.g. {@code R1_iou0.5}. */
    public static String morKey(int k, String theta) {
        return "R" + k + "_iou" + theta;
    }

    /** Key of the mean IoU over queries ranked within k, e.g. {@code R1_miou}. */
    public static String miouKey(int k) {
        return "R" + k + "_miou";
    }

    /** Number of scored queries. */
    public int queries() {
        return queries;
    }

    /** A metric's value, {@code null} when not computable from the run. */
    public Double get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("unknown metric key '" + key + "'; known: " + KEYS);
        }
        return values.get(key);
    }

    /** Every key (see {@link #KEYS}) to its value (null where not computable), in order. */
    public Map<String, Double> values() {
        return values;
    }

    /** Why some values are null or what the scorer noticed (empty ground-truth moments, ...). */
    public List<String> warnings() {
        return warnings;
    }

    /** A JSON-friendly view: {@code {"queries": N, "metrics": {...}, "warnings": [...]}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queries", queries);
        m.put("metrics", values);
        m.put("warnings", warnings);
        return m;
    }

    /**
     * The paper's table (SmG mIoU; V2MR R1/R5/R10; MsG MoR1/MoR10/MoR100 at θ 0.5 and 0.7) plus IoU@θ,
     * MedianR and MRR, as plain text.
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "queries: %d%n", queries));
        sb.append(String.format(Locale.ROOT, "SmG   mIoU %s    IoU@0.3 %s  IoU@0.5 %s  IoU@0.7 %s%n",
                fmt(get("mIoU"), 4), fmt(get("IoU@0.3"), 2), fmt(get("IoU@0.5"), 2), fmt(get("IoU@0.7"), 2)));
        sb.append(String.format(Locale.ROOT, "V2MR  R1 %s  R5 %s  R10 %s    MedianR %s  MeanR %s  MRR %s%n",
                fmt(get("R1"), 2), fmt(get("R5"), 2), fmt(get("R10"), 2),
                fmt(get("MedianR"), 1), fmt(get("MeanR"), 2), fmt(get("MRR"), 4)));
        for (String t : MOR_THRESHOLDS) {
            sb.append(String.format(Locale.ROOT, "%s  θ=%s  MoR1 %s  MoR10 %s  MoR100 %s%n",
                    t.equals(MOR_THRESHOLDS[0]) ? "MsG " : "    ", t,
                    fmt(get(morKey(1, t)), 2), fmt(get(morKey(10, t)), 2), fmt(get(morKey(100, t)), 2)));
        }
        return sb.toString();
    }

    /** A key as people read it: {@code R1_iou0.5} → "MoR1@0.5", {@code R10_miou} → "mIoU (rank<10)". */
    public static String label(String key) {
        if (key.endsWith(UPSTREAM_SUFFIX)) {
            return label(key.substring(0, key.length() - UPSTREAM_SUFFIX.length())) + " (reference's value)";
        }
        if (key.matches("R\\d+_iou0\\.\\d")) {
            int i = key.indexOf("_iou");
            return "Mo" + key.substring(0, i) + "@" + key.substring(i + 4);
        }
        if (key.matches("R\\d+_miou")) {
            return "mIoU (rank<" + key.substring(1, key.indexOf('_')) + ")";
        }
        return key;
    }

    /** A value formatted for tables: percentages with 2 decimals, fractions with 4, "n/a" for null. */
    public static String format(String key, Double v) {
        if (key.endsWith(UPSTREAM_SUFFIX)) {
            return v == null ? "n/a" : String.format(Locale.ROOT, "%.6f", v);
        }
        if (key.equals("MedianR")) {
            return fmt(v, 1);
        }
        if (key.equals("MRR") || key.equals("mIoU") || key.endsWith("_miou")) {
            return fmt(v, 4);
        }
        return fmt(v, 2);
    }

    /** A value formatted with {@code decimals} decimals, or "n/a" for null. */
    public static String fmt(Double v, int decimals) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    @Override
    public String toString() {
        return "Metrics" + values;
    }
}
