package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;

class SplitsTest {
    static Annotator.Row row(String video, String music) {
        return new Annotator.Row(new Annotation(video, music, 0, 5, 10, 15, 100, 5, 5, music + ".ogg", 20, 160, 120,
                200, 10, ""), 0.5, null);
    }

    @Test
    void everyVideoInOneSplitAndValTestOnePerTrack() {
        List<Annotator.Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(row("v" + i, "m" + (i % 12)));
        }
        Map<String, List<Annotator.Row>> s = Splits.assign(rows, Splits.Ratios.parse("train=0.8,val=0.1,test=0.1"), 3);
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (List<Annotator.Row> part : s.values()) {
            for (Annotator.Row r : part) {
                assertTrue(seen.add(r.annotation().videoId()), "video in two splits: " + r.annotation().videoId());
                total++;
            }
        }
        assertEquals(60, total);
        assertEquals(6, s.get("val").size());
        assertEquals(6, s.get("test").size());
        for (String split : List.of("val", "test")) {
            Set<String> tracks = new HashSet<>();
            for (Annotator.Row r : s.get(split)) {
                assertTrue(tracks.add(r.annotation().musicId()), split + " has two videos of " + r.annotation().musicId());
            }
        }
        assertEquals(s, Splits.assign(rows, Splits.Ratios.parse("train=0.8,val=0.1,test=0.1"), 3), "deterministic");
    }

    @Test
    void badRatiosAreErrors() {
        assertThrows(MgsvException.class, () -> Splits.Ratios.parse("train=0.8,val=0.3"));
        assertThrows(MgsvException.class, () -> Splits.Ratios.parse("train=x"));
        assertThrows(MgsvException.class, () -> Splits.Ratios.parse("dev=1"));
    }
}
