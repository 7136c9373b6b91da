package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query's work shared among threads gives exactly the one-thread result: landmarks, matches and rejects. */
class MatcherThreadsTest {
    @TempDir Path dir;

    @Test
    void landmarksOfTheGridsAnalysedOnHelpersEqualTheSequentialOnes() {
        float[] x = FingerprintIndexTest.piece(7, 10);
        Landmarks.Prints one = Landmarks.shifted(x, Landmarks.QUERY, Matcher.QUERY_SHIFTS);
        ExecutorService helpers = Parallel.helpers(2);
        try {
            Landmarks.Prints two = Landmarks.shifted(x, Landmarks.QUERY, Matcher.QUERY_SHIFTS, helpers);
            assertArrayEquals(one.hashes(), two.hashes());
            assertArrayEquals(one.times(), two.times());
            assertEquals(one.frames(), two.frames());
        } finally {
            helpers.shutdownNow();
        }
    }

    @Test
    void matchesAndRejectsAreTheSameOnOneTwoAndThreeThreads() {
        List<float[]> tracks = new ArrayList<>();
        FingerprintIndex idx = FingerprintIndexTest.library(dir.resolve("lib.mfp"), 16, 300, i -> 20 + 2 * (i % 4), tracks);
        Matcher.TrackSource src = Matcher.TrackSource.of(tracks::get);
        // every vote split into parts too, however few its index reads
        Matcher[] ms = {new Matcher(idx, src, Matcher.Config.DEFAULT), new Matcher(idx, src, Matcher.Config.DEFAULT, 2, 0),
            new Matcher(idx, src, Matcher.Config.DEFAULT, 3, 0)};
        assertEquals(3, ms[2].threads());
        Random r = new Random(5);
        int accepted = 0, rejected = 0;
        for (int trial = 0; trial < 6; trial++) {
            int len = 8 * Landmarks.SAMPLE_RATE;
            float[] q = new float[len];
            if (trial < 5) {
                // one track's excerpt under another's (several candidates to verify), plus noise
                float[] a = tracks.get(r.nextInt(tracks.size())), b = tracks.get(r.nextInt(tracks.size()));
                int fa = r.nextInt(a.length - len), fb = r.nextInt(b.length - len);
                float mix = trial % 2 == 0 ? 0.5f : 0.9f;
                for (int i = 0; i < len; i++) {
                    q[i] = a[fa + i] + mix * b[fb + i] + 0.05f * (float) r.nextGaussian();
                }
            } else {
                float[] c = FingerprintIndexTest.piece(999, 8); // not in the library
                System.arraycopy(c, 0, q, 0, Math.min(len, c.length));
            }
            Matcher.Result one = ms[0].match(q);
            for (int t = 1; t < ms.length; t++) {
                Matcher.Result other = ms[t].match(q);
                String what = "trial " + trial + ", " + ms[t].threads() + " threads";
                assertEquals(one.reject(), other.reject(), what);
                assertEquals(one.votes(), other.votes(), what);
                assertEquals(one.secondVotes(), other.secondVotes(), what);
                assertEquals(one.match(), other.match(), what); // a record: every field, bit for bit
            }
            if (one.accepted()) {
                accepted++;
            } else {
                rejected++;
            }
        }
        assertTrue(accepted >= 3 && rejected >= 1, "accepted " + accepted + ", rejected " + rejected);
    }
}
