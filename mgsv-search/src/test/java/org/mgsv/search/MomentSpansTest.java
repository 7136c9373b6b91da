package org.mgsv.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.mgsv.search.MomentSpans.TimeSpan;

class MomentSpansTest {
    @Test
    void rawSpanFromNormalisedCenterWidth() {
        TimeSpan t = MomentSpans.raw(new GroundingModel.Span(0.5, 0.1, 0.9), 240);
        assertEquals(108, t.start(), 1e-9);
        assertEquals(132, t.end(), 1e-9);
    }

    @Test
    void fitKeepsCentreAndVideoLength() {
        TimeSpan f = MomentSpans.fitToVideo(new TimeSpan(100, 130), 10, 200);
        assertEquals(110, f.start(), 1e-9);
        assertEquals(120, f.end(), 1e-9);
    }

    @Test
    void fitClampsIntoTrack() {
        TimeSpan a = MomentSpans.fitToVideo(new TimeSpan(-8, 2), 12, 200);
        assertEquals(0, a.start(), 1e-9);
        assertEquals(12, a.end(), 1e-9);
        TimeSpan b = MomentSpans.fitToVideo(new TimeSpan(195, 215), 12, 200);
        assertEquals(188, b.start(), 1e-9);
        assertEquals(200, b.end(), 1e-9);
        // video longer than the track: the whole track
        TimeSpan c = MomentSpans.fitToVideo(new TimeSpan(5, 10), 60, 30);
        assertEquals(0, c.start(), 1e-9);
        assertEquals(30, c.end(), 1e-9);
    }

    @Test
    void snapPrefersDownbeatsAndStaysInTrack() {
        TimeSpan s = new TimeSpan(10.3, 20.3);
        double[] beats = {9.9, 10.4, 10.9};
        double[] down = {8.0, 12.0};
        TimeSpan d = MomentSpans.snap(s, 100, beats, down);
        assertEquals(12.0, d.start(), 1e-9);
        assertEquals(22.0, d.end(), 1e-9);
        TimeSpan b = MomentSpans.snap(s, 100, beats, new double[0]);
        assertEquals(10.4, b.start(), 1e-9);
        // a beat that would push the end past the track is not used
        TimeSpan e = MomentSpans.snap(new TimeSpan(89.0, 99.0), 100, new double[] {89.5, 90.5}, null);
        assertEquals(89.5, e.start(), 1e-9);
        TimeSpan none = new TimeSpan(1, 2);
        assertSame(none, MomentSpans.snap(none, 100, new double[0], new double[0]));
    }
}
