package org.mgsv.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;

class SynthPlanTest {

    private static Set<Integer> tracksOf(List<SynthPlan.Row> rows) {
        Set<Integer> s = new HashSet<>();
        rows.forEach(r -> s.add(r.track()));
        return s;
    }

    @Test
    void splitsShareTracksAsTheRealRelease() {
        SynthConfig c = SynthConfig.builder().trainVideos(3000).valVideos(100).testVideos(100).build();
        SynthPlan p = SynthPlan.build(c);
        List<SynthPlan.Row> train = p.rows(SynthPlan.Split.TRAIN);
        List<SynthPlan.Row> val = p.rows(SynthPlan.Split.VAL);
        List<SynthPlan.Row> test = p.rows(SynthPlan.Split.TEST);
        assertEquals(3000, train.size());
        assertEquals(100, val.size());
        assertEquals(100, test.size());
        Set<Integer> trainTracks = tracksOf(train);
        assertEquals(Math.round(3000.0 * 3496 / 49194), trainTracks.size());
        // one track per val/test video
        assertEquals(100, tracksOf(val).size());
        assertEquals(100, tracksOf(test).size());
        Set<Integer> common = tracksOf(val);
        common.retainAll(tracksOf(test));
        assertEquals(Math.round(0.9465 * 100), common.size());
        Set<Integer> union = tracksOf(val);
        union.addAll(tracksOf(test));
        Set<Integer> inTrain = new HashSet<>(union);
        inTrain.retainAll(trainTracks);
        assertEquals(Math.round(c.evalInTrain() * union.size()), inTrain.size());
        // several train videos share a moment, as in the real train split (31,660 moments for 49,194 videos)
        double momentsPerVideo = SynthWriter.countMoments(train) / (double) train.size();
        assertEquals(31660.0 / 49194, momentsPerVideo, 0.05);
        // heavy-tailed popularity: the most used track has many more videos than the median one
        int[] counts = new int[p.tracks().size()];
        train.forEach(r -> counts[r.track()]++);
        int[] used = Arrays.stream(counts).filter(n -> n > 0).sorted().toArray();
        assertTrue(used[used.length - 1] >= 4 * used[used.length / 2], Arrays.toString(used));
        // video ids unique over all splits
        Set<String> ids = new HashSet<>();
        for (SynthPlan.Split s : SynthPlan.Split.values()) {
            p.rows(s).forEach(r -> assertTrue(ids.add(r.videoId()), "duplicate video id " + r.videoId()));
        }
    }

    @Test
    void momentsLieInsideTheirTracks() {
        SynthPlan p = SynthPlan.build(SynthConfig.builder().trainVideos(2000).valVideos(500).testVideos(500).build());
        for (SynthPlan.Split s : SynthPlan.Split.values()) {
            for (SynthPlan.Row r : p.rows(s)) {
                SynthPlan.Track t = p.track(r.track());
                assertTrue(r.musicStartMs() >= 0 && r.musicEndMs() <= t.durationMs(), r.toString());
                assertTrue(r.lengthMs() >= 5000 && r.lengthMs() <= 50000, r.toString());
                assertTrue(t.durationMs() >= 30000 && t.durationMs() <= 240000, t.toString());
                assertTrue(r.videoStartMs() < 1000 && r.videoTotalMs() >= r.videoEndMs(), r.toString());
                int expectFrames = (int) (Math.min(r.videoEndMs() / 1000, 49) - r.videoStartMs() / 1000 + 1);
                assertEquals(expectFrames, r.validFrames());
            }
        }
    }

    @Test
    void sameSeedSameAnnotationsOtherSeedOthers() {
        SynthConfig c = SynthConfig.builder().trainVideos(200).valVideos(30).testVideos(30).build();
        assertEquals(SynthPlan.build(c).annotations(SynthPlan.Split.TRAIN),
                SynthPlan.build(c).annotations(SynthPlan.Split.TRAIN));
        assertNotEquals(SynthPlan.build(c).annotations(SynthPlan.Split.TEST),
                SynthPlan.build(c.toBuilder().seed(7).build()).annotations(SynthPlan.Split.TEST));
    }

    @Test
    void badConfigurationIsAUserError() {
        assertThrows(MgsvException.class, () -> SynthConfig.builder().trainVideos(0).build());
        assertThrows(MgsvException.class, () -> SynthConfig.builder().trainVideos(10).trainTracks(11).build());
        assertThrows(MgsvException.class, () -> SynthConfig.builder().smoothness(1.0).build());
        assertThrows(MgsvException.class, () -> SynthConfig.builder().latentDim(80).hiddenDim(64).build());
    }

    @Test
    void referenceScaleHasTheRealSplitSizes() {
        SynthPlan p = SynthPlan.build(SynthConfig.referenceScale());
        assertEquals(49194, p.rows(SynthPlan.Split.TRAIN).size());
        assertEquals(3496, tracksOf(p.rows(SynthPlan.Split.TRAIN)).size());
        assertEquals(2000, tracksOf(p.rows(SynthPlan.Split.VAL)).size());
        assertEquals(2000, tracksOf(p.rows(SynthPlan.Split.TEST)).size());
        // the real release: 4,050 tracks in all, 31,660 train moments
        assertEquals(4050, p.usedTracks().length, 40);
        assertEquals(31660, SynthWriter.countMoments(p.rows(SynthPlan.Split.TRAIN)), 31660 * 0.03);
    }

    /** The synthetic val/test annotations follow the distributions of the real ones (stats.json). */
    @Test
    void distributionsMatchTheRealStatistics() throws IOException {
        Path shared = Path.of(System.getProperty("mgsv.shared", "../shared"));
        Path stats = shared.resolve("data/mgsv-ec/stats.json");
        Assumptions.assumeTrue(Files.isRegularFile(stats), "no " + stats);
        JsonNode real = new ObjectMapper().readTree(stats.toFile()).path("test");
        SynthPlan p = SynthPlan.build(SynthConfig.builder().trainVideos(1).valVideos(4000).testVideos(4000).build());
        List<Annotation> rows = new ArrayList<>(p.annotations(SynthPlan.Split.VAL));
        rows.addAll(p.annotations(SynthPlan.Split.TEST));
        int n = rows.size();
        double eq0 = rows.stream().filter(a -> a.musicStart() == 0).count() / (double) n;
        double lt1 = rows.stream().filter(a -> a.musicStart() < 1).count() / (double) n;
        assertEquals(real.path("share_music_start_eq_0").asDouble(), eq0, 0.03);
        assertEquals(real.path("share_music_start_lt_1s").asDouble(), lt1, 0.03);
        assertEquals(real.path("music_total_duration").path("median").asDouble(),
                median(rows.stream().mapToDouble(Annotation::musicTotalDuration).toArray()), 8.0);
        assertEquals(real.path("video_segment_duration").path("median").asDouble(),
                median(rows.stream().mapToDouble(Annotation::videoSegmentDuration).toArray()), 1.5);
        assertEquals(real.path("music_start").path("median").asDouble(),
                median(rows.stream().mapToDouble(Annotation::musicStart).toArray()), 3.0);
        assertEquals(real.path("music_start").path("p75").asDouble(),
                percentile(rows.stream().mapToDouble(Annotation::musicStart).toArray(), 0.75), 6.0);
        double fashion = rows.stream().filter(a -> a.videoCategory().equals("Fashion")).count() / (double) n;
        assertEquals(real.path("categories").path("Fashion").asDouble() / real.path("rows").asDouble(), fashion, 0.03);
        // the header is the real one
        Path csv = shared.resolve("data/mgsv-ec/test_data.csv");
        String header = Files.readAllLines(csv).get(0).replace("\uFEFF", "");
        assertEquals(header, String.join(",", Annotation.COLUMNS));
    }

    private static double median(double[] v) {
        return percentile(v, 0.5);
    }

    private static double percentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double x = q * (s.length - 1);
        int i = (int) x;
        return i + 1 < s.length ? s[i] + (x - i) * (s[i + 1] - s[i]) : s[i];
    }
}
