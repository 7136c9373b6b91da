package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vote on a sampled eighth of the query's hashes decides only what the vote on all of them would: a clear match
 * is found with the same track, offset and span, unclear queries fall through to the full vote (the same result to
 * the bit), and the sample is a fixed eighth of the hashes.
 */
class SampledVoteTest {
    @TempDir Path dir;

    @Test
    void theSampleIsAFixedEighthOfTheHashes() {
        int in = 0;
        for (int h = 0; h < 1 << Landmarks.HASH_BITS; h++) {
            in += Matcher.sampled(h) ? 1 : 0;
        }
        double share = (double) in / (1 << Landmarks.HASH_BITS);
        assertEquals(1.0 / Matcher.SAMPLE, share, 0.002, "share of sampled hashes");
        Landmarks.Prints q = Landmarks.shifted(FingerprintIndexTest.piece(3, 12), Landmarks.QUERY, Matcher.QUERY_SHIFTS);
        Landmarks.Prints s = Matcher.sample(q);
        assertEquals(q.size() / (double) Matcher.SAMPLE, s.size(), 0.25 * q.size() / Matcher.SAMPLE);
        for (int h : s.hashes()) {
            assertTrue(Matcher.sampled(h));
        }
    }

    @Test
    void sampledAndFullVotesGiveTheSameAnswers() {
        List<float[]> tracks = new ArrayList<>();
        FingerprintIndex idx = FingerprintIndexTest.library(dir.resolve("lib.mfp"), 24, 41, i -> 30 + 3 * (i % 5), tracks);
        Matcher.TrackSource src = Matcher.TrackSource.of(tracks::get);
        Matcher sampled = new Matcher(idx, src, Matcher.Config.DEFAULT);
        Matcher full = new Matcher(idx, src, Matcher.Config.DEFAULT);
        full.sampleFirst = false;
        Random r = new Random(11);
        int decidedBySample = 0, fellThrough = 0;
        for (int trial = 0; trial < 8; trial++) {
            int len = (trial < 4 ? 20 : 6) * Landmarks.SAMPLE_RATE;
            float[] q = new float[len];
            float[] a = tracks.get(r.nextInt(tracks.size()));
            int fa = r.nextInt(a.length - len);
            // clean long excerpts (clear on the sample) and short ones buried in noise (not clear on it)
            float noise = trial < 4 ? 0.02f : 0.6f;
            for (int i = 0; i < len; i++) {
                q[i] = a[fa + i] + noise * (float) r.nextGaussian();
            }
            Matcher.Result s = sampled.match(q), f = full.match(q);
            String what = "trial " + trial;
            assertEquals(f.accepted(), s.accepted(), what + ": " + s.reject() + " / " + f.reject());
            if (s.votes() < f.votes()) {
                decidedBySample++;
                Matcher.Match ms = s.match(), mf = f.match();
                assertNotNull(ms, what);
                assertEquals(mf.track(), ms.track(), what);
                assertEquals(mf.offsetSeconds(), ms.offsetSeconds(), 0.001, what);
                assertEquals(mf.videoStart(), ms.videoStart(), 0.05, what);
                assertEquals(mf.videoEnd(), ms.videoEnd(), 0.05, what);
                assertEquals(mf.contrast(), ms.contrast(), 0.05, what);
            } else {
                fellThrough++;
                assertEquals(f.reject(), s.reject(), what);
                assertEquals(f.votes(), s.votes(), what);
                assertEquals(f.match(), s.match(), what); // the full vote decided both: every field, bit for bit
            }
        }
        assertTrue(decidedBySample >= 3, "the sample decided " + decidedBySample + " of 8");
        assertTrue(fellThrough >= 2, "fell through to the full vote " + fellThrough + " of 8");
        assertNull(sampled.match(FingerprintIndexTest.piece(999, 10)).match(), "a piece not in the library");
    }
}
