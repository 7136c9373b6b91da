package org.mgsv.core.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.util.AtomicFiles;

/**
 * A small builder for a self-contained HTML report page (inline CSS, no scripts): a title, headings,
 * paragraphs, preformatted text, tables (e.g. metrics of a model beside its baselines) and images linked by
 * relative path (PNG files written next to the page).
 *
 * <pre>{@code
 * new HtmlReport("Quickstart")
 *         .paragraph("MaDe trained 20 epochs on the synthetic set.")
 *         .metricsTable("Test metrics", PaperMetrics.PAPER_KEYS, Map.of("MaDe", made, "random", random))
 *         .image("curves/losses.png", "Training losses")
 *         .write(dir.resolve("report.html"));
 * }</pre>
 */
public final class HtmlReport {
    private final String title;
    private final List<String> parts = new ArrayList<>();

    public HtmlReport(String title) {
        this.title = title == null ? "" : title;
    }

    public HtmlReport heading(String text) {
        parts.add("<h2>" + esc(text) + "</h2>");
        return this;
    }

    public HtmlReport paragraph(String text) {
        parts.add("<p>" + esc(text) + "</p>");
        return this;
    }

    /** Monospaced text kept as is (e.g. a command line or the printed metrics table). */
    public HtmlReport preformatted(String text) {
        parts.add("<pre>" + esc(text) + "</pre>");
        return this;
    }

    /** A table of strings; {@code rows} are lists as long as {@code header}. */
    public HtmlReport table(String caption, List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table>");
        if (caption != null && !caption.isEmpty()) {
            sb.append("<caption>").append(esc(caption)).append("</caption>");
        }
        sb.append("<thead><tr>");
        for (String h : header) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table '" + caption + "': row " + row + " has " + row.size()
                        + " cells, header has " + header.size());
            }
            sb.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                sb.append(i == 0 ? "<th>" : "<td>").append(esc(row.get(i))).append(i == 0 ? "</th>" : "</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        parts.add(sb.toString());
        return this;
    }

    /**
     * A metrics table: one row per key (labelled as the paper names it), one column per run (e.g. the model
     * and its baselines, in map order). The best value of each row is bold (lowest for MedianR/MeanR);
     * missing values show as "n/a".
     */
    public HtmlReport metricsTable(String caption, List<String> keys, Map<String, PaperMetrics> columns) {
        List<String> names = new ArrayList<>(columns.keySet());
        StringBuilder sb = new StringBuilder("<table class=\"metrics\">");
        if (caption != null && !caption.isEmpty()) {
            sb.append("<caption>").append(esc(caption)).append("</caption>");
        }
        sb.append("<thead><tr><th>metric</th>");
        for (String n : names) {
            sb.append("<th>").append(esc(n)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (String key : keys) {
            boolean lowerBetter = key.equals("MedianR") || key.equals("MeanR");
            Double best = null;
            for (String n : names) {
                Double v = columns.get(n).get(key);
                if (v != null && (best == null || (lowerBetter ? v < best : v > best))) {
                    best = v;
                }
            }
            sb.append("<tr><th>").append(esc(PaperMetrics.label(key))).append("</th>");
            for (String n : names) {
                Double v = columns.get(n).get(key);
                boolean bold = v != null && v.equals(best) && names.size() > 1;
                sb.append("<td>").append(bold ? "<b>" : "").append(esc(PaperMetrics.format(key, v)))
                        .append(bold ? "</b>" : "").append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        parts.add(sb.toString());
        return this;
    }

    /** An image by path relative to the page, with a caption. */
    public HtmlReport image(String relativePath, String caption) {
        if (relativePath.startsWith("/") || relativePath.contains("://") || relativePath.contains("\\")) {
            throw new IllegalArgumentException("image path must be relative (with '/'): " + relativePath);
        }
        StringBuilder sb = new StringBuilder("<figure><img src=\"").append(escAttr(relativePath)).append("\" alt=\"")
                .append(escAttr(caption == null ? relativePath : caption)).append("\">");
        if (caption != null && !caption.isEmpty()) {
            sb.append("<figcaption>").append(esc(caption)).append("</figcaption>");
        }
        sb.append("</figure>");
        parts.add(sb.toString());
        return this;
    }

    public String toHtml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        for (String p : parts) {
            sb.append(p).append('\n');
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** Writes the page atomically. */
    public void write(Path file) {
        AtomicFiles.writeString(file, toHtml());
    }

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;"
                    + "padding:0 1em;color:#222;line-height:1.45}",
            "h1{font-size:1.7em;margin-bottom:.3em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}",
            "table{border-collapse:collapse;margin:1em 0}caption{text-align:left;font-weight:600;padding:.3em 0}",
            "th,td{border:1px solid #ccc;padding:.3em .7em}td{text-align:right;font-variant-numeric:tabular-nums}",
            "thead th{background:#f3f3f3}tbody th{text-align:left;font-weight:500;background:#fafafa}",
            "figure{margin:1.2em 0}img{max-width:100%;border:1px solid #eee}figcaption{color:#666;font-size:.9em}",
            "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}",
            "");

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String escAttr(String s) {
        return esc(s);
    }

}
