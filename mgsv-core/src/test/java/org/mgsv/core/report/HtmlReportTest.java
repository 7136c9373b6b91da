package org.mgsv.core.report;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.metrics.PaperMetrics;
import org.mgsv.core.metrics.RunEntry;
import org.mgsv.core.metrics.Scorer;

class HtmlReportTest {
    @TempDir Path tmp;

    @Test
    void writesASelfContainedPage() throws Exception {
        PaperMetrics good = Scorer.score(List.of(new RunEntry("v1", "a", List.of("a", "b"), 0, 10, 0, 10, 100),
                new RunEntry("v2", "b", List.of("b"), 0, 8, 0, 10, 100)));
        PaperMetrics bad = Scorer.score(List.of(new RunEntry("v1", "a", List.of("b", "a"), 50, 60, 0, 10, 100),
                new RunEntry("v2", "b", List.of("c"), 0, 5, 0, 10, 100)));
        Map<String, PaperMetrics> cols = new LinkedHashMap<>();
        cols.put("MaDe", good);
        cols.put("random <baseline>", bad);
        Path page = tmp.resolve("report/index.html");
        new HtmlReport("Quickstart & results").paragraph("Trained on <synthetic> data.")
                .metricsTable("Test", PaperMetrics.PAPER_KEYS, cols)
                .metricsTable("Ranks", List.of("MedianR", "MRR"), cols)
                .table("Data", List.of("split", "queries"), List.of(List.of("test", "2")))
                .image("curves/losses.png", "Training losses").preformatted(good.table()).write(page);
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<title>Quickstart &amp; results</title>"));
        assertTrue(html.contains("Trained on &lt;synthetic&gt; data."));
        assertTrue(html.contains("<th>random &lt;baseline&gt;</th>"));
        assertTrue(html.contains("<th>MoR1@0.5</th>"), html);
        assertTrue(html.contains("<td><b>100.00</b></td><td>0.00</td>"), "best R1 in bold: " + html);
        assertTrue(html.contains("n/a"), "the truncated baseline has no MRR");
        assertTrue(html.contains("<img src=\"curves/losses.png\""));
        assertTrue(html.contains("<figcaption>Training losses</figcaption>"));
        assertTrue(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"),
                "self-contained");
        assertThrows(IllegalArgumentException.class, () -> new HtmlReport("x").image("/abs/a.png", "a"));
        assertThrows(IllegalArgumentException.class,
                () -> new HtmlReport("x").table("t", List.of("a", "b"), List.of(List.of("1"))));
    }
}
