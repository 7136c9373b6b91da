package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vote (counting sort by track, dense offset counts) against a plain count with hash maps. */
class VoteTest {
    @TempDir Path dir;

    @Test
    void votesEqualAPlainCountOfEachHashTrackOffsetOnce() {
        List<float[]> tracks = new ArrayList<>();
        FingerprintIndex idx = FingerprintIndexTest.library(dir.resolve("lib.mfp"), 24, 100, i -> 20 + 3 * (i % 5), tracks);
        assertSameAsPlainCount(idx, tracks, new Random(3), 6);
    }

    @Test
    void votesOfManyTracksSharingMaterialEqualAPlainCount() {
        // 150 tracks (three groups of the vote's per-group lists), each its own piece followed by one piece all
        // share: a query from the shared part gives each group thousands of votes (several blocks per list),
        // and equal counts, whose ties go to the lower track
        Path file = dir.resolve("shared.mfp");
        List<float[]> tracks = new ArrayList<>();
        float[] shared = FingerprintIndexTest.piece(7, 8);
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(file)) {
            for (int i = 0; i < 150; i++) {
                float[] own = FingerprintIndexTest.piece(500 + i, 6);
                float[] x = java.util.Arrays.copyOf(own, own.length + shared.length);
                System.arraycopy(shared, 0, x, own.length, shared.length);
                tracks.add(x);
                w.add(FingerprintIndexTest.track("s" + i, x), Landmarks.of(x, Landmarks.INDEX));
                if (i == 99) {
                    w.commit(); // two commits: a bucket holds the first commit's tracks, then the second's
                }
            }
            w.commit();
        }
        FingerprintIndex idx = FingerprintIndex.open(file);
        assertTrue(idx.size() > 2 * Matcher.GROUP_SIZE, idx.size() + " tracks");
        assertSameAsPlainCount(idx, tracks, new Random(5), 4);
    }

    /** Queries mixing two tracks' excerpts with noise: the vote of 1, 2 and 3 parts equals {@link #plainVote}. */
    private static void assertSameAsPlainCount(FingerprintIndex idx, List<float[]> tracks, Random r, int trials) {
        Matcher m = new Matcher(idx, Matcher.TrackSource.of(tracks::get), Matcher.Config.DEFAULT);
        // the same votes gathered, sorted and counted in 2 and 3 parts (every query split, however small)
        Matcher[] split = {new Matcher(idx, Matcher.TrackSource.of(tracks::get), Matcher.Config.DEFAULT, 2, 0),
            new Matcher(idx, Matcher.TrackSource.of(tracks::get), Matcher.Config.DEFAULT, 3, 0)};
        for (int trial = 0; trial < trials; trial++) {
            // an excerpt of one track, mixed with another (two true candidates), plus noise
            float[] a = tracks.get(r.nextInt(tracks.size())), b = tracks.get(r.nextInt(tracks.size()));
            int len = 8 * Landmarks.SAMPLE_RATE;
            int fa = r.nextInt(a.length - len), fb = r.nextInt(b.length - len);
            float[] q = new float[len];
            for (int i = 0; i < len; i++) {
                q[i] = a[fa + i] + 0.5f * b[fb + i] + 0.05f * (float) r.nextGaussian();
            }
            Landmarks.Prints p = Landmarks.shifted(q, Landmarks.QUERY, Matcher.QUERY_SHIFTS);
            int k = 5;
            Matcher.Vote[] got = m.vote(p, k);
            List<int[]> want = plainVote(idx, p, k, common(idx, Matcher.Config.DEFAULT.commonHash()));
            assertEquals(want.size(), got.length, "trial " + trial);
            assertTrue(got.length >= 2, "trial " + trial + ": too few candidates to compare");
            for (int i = 0; i < got.length; i++) {
                int[] w = want.get(i);
                String what = "trial " + trial + ", candidate " + i;
                assertEquals(w[0], got[i].track, what + ": track");
                assertEquals(w[1], got[i].votes, what + ": votes");
                assertEquals(w[2], got[i].offset, what + ": offset");
                assertEquals(w[3], got[i].agreeFirst, what + ": first agreeing frame");
                assertEquals(w[4], got[i].agreeLast, what + ": last agreeing frame");
                for (Matcher sm : split) {
                    Matcher.Vote[] parts = sm.vote(p, k);
                    String in = what + " (" + sm.threads() + " parts)";
                    assertEquals(got.length, parts.length, in);
                    assertEquals(got[i].track, parts[i].track, in + ": track");
                    assertEquals(got[i].votes, parts[i].votes, in + ": votes");
                    assertEquals(got[i].offset, parts[i].offset, in + ": offset");
                    assertEquals(got[i].agreeFirst, parts[i].agreeFirst, in + ": first agreeing frame");
                    assertEquals(got[i].agreeLast, parts[i].agreeLast, in + ": last agreeing frame");
                }
            }
        }
    }

    @Test
    void hashesTooCommonToTellTracksApartDoNotVote() {
        Path file = dir.resolve("same.mfp");
        List<float[]> tracks = new ArrayList<>();
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(file)) {
            // 80 copies of one piece: each of its hashes is in 80 tracks, a bucket over the floor of 64
            float[] x = FingerprintIndexTest.piece(42, 12);
            Landmarks.Prints p = Landmarks.of(x, Landmarks.INDEX);
            for (int i = 0; i < 80; i++) {
                tracks.add(x);
                w.add(FingerprintIndexTest.track("copy" + i, x), p);
            }
            w.commit();
        }
        FingerprintIndex idx = FingerprintIndex.open(file);
        float[] q = java.util.Arrays.copyOfRange(tracks.get(0), 2 * Landmarks.SAMPLE_RATE, 8 * Landmarks.SAMPLE_RATE);
        Landmarks.Prints p = Landmarks.shifted(q, Landmarks.QUERY, Matcher.QUERY_SHIFTS);
        Matcher all = new Matcher(idx, Matcher.TrackSource.of(tracks::get), new Matcher.Config(5, 3, 0.15, 0));
        Matcher skip = new Matcher(idx, Matcher.TrackSource.of(tracks::get), new Matcher.Config(5, 3, 0.15, 8));
        assertTrue(all.vote(p, 3).length == 3 && all.vote(p, 3)[0].votes > 20, "every hash votes");
        assertEquals(0, skip.vote(p, 3).length, "hashes in 80 tracks of 80 are stop words");
        assertEquals(0, plainVote(idx, p, 3, common(idx, 8)).size());
    }

    /** The bucket size above which a hash is a stop word with {@code factor} (0: none is). */
    private static long common(FingerprintIndex idx, double factor) {
        return factor <= 0 ? Long.MAX_VALUE
                : Math.max(Matcher.COMMON_FLOOR, (long) (factor * idx.entries() / FingerprintIndex.BUCKETS));
    }

    @Test
    void aTracksLandmarksNeverRepeatAHashAtOneAnchorFrame() throws Exception {
        // what lets the vote skip its duplicate check for a hash the query holds at one frame only
        float[] real = MusicLibrary.mono(FingerprintIndexTest.recording());
        for (float[] x : new float[][] {FingerprintIndexTest.piece(9, 30), real}) {
            Landmarks.Prints p = Landmarks.of(x, Landmarks.INDEX);
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < p.size(); i++) {
                assertTrue(seen.add(((long) p.hashes()[i] << 32) | p.times()[i]),
                        "hash " + p.hashes()[i] + " twice at frame " + p.times()[i]);
            }
            assertTrue(p.size() > 1000, p.size() + " landmarks");
        }
    }

    /** {track, votes, offset, first, last} of the k best tracks, by the vote's definition, with plain maps. */
    private static List<int[]> plainVote(FingerprintIndex idx, Landmarks.Prints q, int k, long common) {
        Set<Long> seenHashTime = new HashSet<>();
        Set<List<Integer>> once = new HashSet<>();
        Map<Integer, Map<Integer, Integer>> counts = new HashMap<>();
        Map<Integer, Map<Integer, int[]>> frames = new HashMap<>(); // track → offset → {min, max} query frame
        for (int i = 0; i < q.size(); i++) {
            int h = q.hashes()[i], tq = q.times()[i];
            if (!seenHashTime.add(((long) h << 32) | tq) || idx.bucketEnd(h) - idx.bucketStart(h) > common) {
                continue;
            }
            for (long e = idx.bucketStart(h); e < idx.bucketEnd(h); e++) {
                long en = idx.entry(e);
                int track = (int) (en >>> 32), off = (int) en - tq;
                if (once.add(List.of(h, track, off))) {
                    counts.computeIfAbsent(track, t -> new HashMap<>()).merge(off, 1, Integer::sum);
                    int[] mm = frames.computeIfAbsent(track, t -> new HashMap<>())
                            .computeIfAbsent(off, o -> new int[] {Integer.MAX_VALUE, -1});
                    mm[0] = Math.min(mm[0], tq);
                    mm[1] = Math.max(mm[1], tq);
                }
            }
        }
        List<int[]> all = new ArrayList<>();
        for (var te : counts.entrySet()) {
            Map<Integer, Integer> c = te.getValue();
            int bestN = 0, bestOff = Integer.MAX_VALUE;
            for (int o : c.keySet()) {
                int v = c.get(o) + Math.max(c.getOrDefault(o - 1, 0), c.getOrDefault(o + 1, 0));
                int co = c.get(o), cb = c.getOrDefault(bestOff, 0);
                if (v > bestN || (v == bestN && (co > cb || (co == cb && o < bestOff)))) {
                    bestN = v;
                    bestOff = o;
                }
            }
            int off = bestOff;
            if (c.getOrDefault(bestOff + 1, 0) > c.get(bestOff)) {
                off = bestOff + 1;
            } else if (c.getOrDefault(bestOff - 1, 0) > c.get(bestOff)) {
                off = bestOff - 1;
            }
            int first = -1, last = -1;
            for (int d = -1; d <= 1; d++) {
                int[] mm = frames.get(te.getKey()).get(off + d);
                if (mm != null) {
                    first = first < 0 ? mm[0] : Math.min(first, mm[0]);
                    last = Math.max(last, mm[1]);
                }
            }
            all.add(new int[] {te.getKey(), bestN, off, first, last});
        }
        all.sort((x, y) -> x[1] != y[1] ? Integer.compare(y[1], x[1]) : Integer.compare(x[0], y[0]));
        return all.subList(0, Math.min(k, all.size()));
    }
}
