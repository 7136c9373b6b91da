package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class FingerprintIndexTest {
    @TempDir Path dir;

    /** A note sequence: every 0.2 s a random 3-note chord with harmonics and a decay, at 11,025 Hz. */
    static float[] piece(long seed, double seconds) {
        Random r = new Random(seed);
        int sr = Landmarks.SAMPLE_RATE;
        float[] x = new float[(int) (seconds * sr)];
        int step = sr / 5;
        for (int s0 = 0; s0 < x.length; s0 += step) {
            for (int v = 0; v < 3; v++) {
                double f = 110 * Math.pow(2, r.nextInt(36) / 12.0);
                double ph = r.nextDouble() * 6.28;
                for (int i = 0; i < 2 * step && s0 + i < x.length; i++) {
                    double env = Math.exp(-4.0 * i / step);
                    double t = (double) i / sr;
                    x[s0 + i] += (float) (0.1 * env * (Math.sin(2 * Math.PI * f * t + ph)
                            + 0.5 * Math.sin(4 * Math.PI * f * t) + 0.25 * Math.sin(6 * Math.PI * f * t)));
                }
            }
        }
        return x;
    }

    static FingerprintIndex.Track track(String id, float[] x) {
        return new FingerprintIndex.Track(id, id + ".wav", (double) x.length / Landmarks.SAMPLE_RATE, 0, 0);
    }

    @Test
    void persistsAddsIncrementallyAndAdmitsOneWriter() throws Exception {
        Path file = dir.resolve("lib.mfp");
        float[] a = piece(1, 20), b = piece(2, 20), c = piece(3, 60); // c needs more time bits
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(file)) {
            w.add(track("a", a), Landmarks.of(a, Landmarks.INDEX));
            w.add(track("b", b), Landmarks.of(b, Landmarks.INDEX));
            assertThrows(MgsvException.class, () -> w.add(track("a", a), Landmarks.of(a, Landmarks.INDEX)));
            // a second writer on the same file is refused while the first holds it
            MgsvException e = assertThrows(MgsvException.class, () -> new FingerprintIndex.Writer(file));
            assertTrue(e.getMessage().contains("another process"), e.getMessage());
            w.commit();
        }
        FingerprintIndex one = FingerprintIndex.open(file);
        assertEquals(2, one.size());
        long firstEntries = one.entries();
        assertTrue(firstEntries > 1000, "landmarks: " + firstEntries);
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(file)) {
            assertTrue(w.contains("a"));
            assertFalse(w.contains("c"));
            w.add(track("c", c), Landmarks.of(c, Landmarks.INDEX));
            w.commit();
        }
        FingerprintIndex two = FingerprintIndex.open(file);
        assertTrue(two.timeBits() > one.timeBits(), one.timeBits() + " -> " + two.timeBits());
        assertEquals(8L * (FingerprintIndex.BUCKETS + 1) + 4 * two.entries(), two.bytes() - headerBytes(two));
        assertEquals(List.of("a", "b", "c"), two.tracks().stream().map(FingerprintIndex.Track::id).toList());
        assertEquals(firstEntries + Landmarks.of(c, Landmarks.INDEX).size(), two.entries());
        // the old entries are carried over unchanged: every landmark of a is found under its hash
        Landmarks.Prints pa = Landmarks.of(a, Landmarks.INDEX);
        for (int i = 0; i < pa.size(); i += 97) {
            boolean found = false;
            for (long e = two.bucketStart(pa.hashes()[i]); e < two.bucketEnd(pa.hashes()[i]); e++) {
                found |= two.entry(e) == FingerprintIndex.pack(0, pa.times()[i]);
            }
            assertTrue(found, "landmark " + i + " of a");
        }
    }

    /** Bytes before the bucket offsets (magic, header, track list, padding). */
    private static long headerBytes(FingerprintIndex idx) throws java.io.IOException {
        try (var ch = java.nio.channels.FileChannel.open(idx.file())) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
            ch.read(b, 0);
            return b.getLong(8);
        }
    }

    @Test
    void entriesAre32BitsWithTheirBoundsChecked() {
        assertEquals(FingerprintIndex.pack(5, 1234), unpack(FingerprintIndex.pack32(5, 1234, 15, "x"), 15));
        int top = FingerprintIndex.pack32((1 << 17) - 1, (1 << 15) - 1, 15, "x");
        assertEquals(FingerprintIndex.pack((1 << 17) - 1, (1 << 15) - 1), unpack(top, 15));
        MgsvException e = assertThrows(MgsvException.class, () -> FingerprintIndex.pack32(1 << 17, 0, 15, "lib.mfp"));
        assertTrue(e.getMessage().contains("lib.mfp") && e.getMessage().contains("131072 tracks"), e.getMessage());
        assertThrows(MgsvException.class, () -> FingerprintIndex.pack32(0, 1 << 15, 15, "lib.mfp"));
        assertThrows(MgsvException.class, () -> FingerprintIndex.pack32(0, -1, 15, "lib.mfp"));
        assertEquals(15, FingerprintIndex.timeBitsFor((1 << 15) - 1));
        assertEquals(16, FingerprintIndex.timeBitsFor(1 << 15));
    }

    private static long unpack(int e, int timeBits) {
        return FingerprintIndex.pack(e >>> timeBits, e & ((1 << timeBits) - 1));
    }

    @Test
    void refusesAnIndexOfTheEarlier64BitFormatWithARebuildError() throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
        b.put(FingerprintIndex.MAGIC).putLong(32).putInt(1);
        Path old = Files.write(dir.resolve("old.mfp"), b.array());
        MgsvException e = assertThrows(MgsvException.class, () -> FingerprintIndex.open(old));
        assertTrue(e.getMessage().contains("version 1") && e.getMessage().contains("rebuild"), e.getMessage());
    }

    /** A real OGG Vorbis recording (wesnoth-music, GPL). */
    static Path recording() {
        for (String p : new String[] {
            "/usr/share/games/wesnoth/1.16/data/core/music/frantic.ogg",
            "/usr/share/wesnoth/1.16/data/core/music/frantic.ogg"
        }) {
            if (Files.isRegularFile(Path.of(p))) {
                return Path.of(p);
            }
        }
        org.junit.jupiter.api.Assumptions.abort("wesnoth-1.16-music (frantic.ogg) not installed");
        return null;
    }

    @Test
    void aTrackWindowIsSampleForSampleTheExcerptOfTheWholeDecodedTrack() throws Exception {
        // a 22,050 Hz WAV and a real 44,100 Hz stereo OGG Vorbis recording, whose seeks land a few samples off
        float[] synth = org.mgsv.media.audio.Resampler.resample(piece(7, 12), Landmarks.SAMPLE_RATE, 22050);
        Path wav = dir.resolve("t.wav");
        SyntheticQueries.writeWav(wav, synth, 22050);
        for (Path src : new Path[] {wav, recording()}) {
            MusicLibrary.Fingerprinted fp = MusicLibrary.fingerprint(src);
            float[] whole = fp.mono();
            assertTrue(fp.track().marks().size() > 0, "no seek marks for " + src);
            Path file = dir.resolve("w-" + src.getFileName() + ".mfp");
            try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(file)) {
                w.add(fp.track(), fp.prints());
                w.commit();
            }
            FingerprintIndex idx = FingerprintIndex.open(file);
            assertEquals(fp.track().marks(), idx.track(0).marks(), "marks persisted");
            MusicLibrary.TrackAudio audio = new MusicLibrary.TrackAudio(idx);
            int sr = Landmarks.SAMPLE_RATE;
            long[] froms = {(long) (5.3 * sr) + 17, (long) (9.9 * sr), -2000, 300, whole.length - sr,
                whole.length + 10};
            for (long from : froms) {
                float[] got = audio.window(0, from, 3 * sr);
                org.junit.jupiter.api.Assertions.assertArrayEquals(Matcher.slice(whole, from, 3 * sr), got,
                        src.getFileName() + ": window from " + from);
            }
            // the windows past the first seconds came from seeks, the one at the start from the start
            assertEquals(3, audio.seeks(), src + ": windows decoded from a seek");
            assertEquals(2, audio.decodesFromStart(), src + ": windows decoded from the start");
        }
    }

    @Test
    void readsAVersion2IndexWithoutSeekMarksAndRewritesItAsVersion3WhenTracksAreAdded() throws Exception {
        // a version 2 index as the previous release wrote it: one track, no landmarks
        java.io.ByteArrayOutputStream hb = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream h = new java.io.DataOutputStream(hb);
        h.writeInt(2);
        h.writeInt(Landmarks.SAMPLE_RATE);
        h.writeInt(Landmarks.HOP);
        h.writeInt(Landmarks.NFFT);
        h.writeInt(Landmarks.HASH_BITS);
        h.writeInt(1);
        h.writeInt(1);
        for (String str : new String[] {"old", "old.ogg"}) {
            byte[] u = str.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            h.writeInt(u.length);
            h.write(u);
        }
        h.writeDouble(12.5);
        h.writeLong(7);
        h.writeLong(9);
        long dataStart = (16 + hb.size() + 7) / 8 * 8;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) dataStart + 8 * (FingerprintIndex.BUCKETS + 1));
        b.put(FingerprintIndex.MAGIC).putLong(dataStart).put(hb.toByteArray());
        Path v2 = Files.write(dir.resolve("v2.mfp"), b.array());
        FingerprintIndex old = FingerprintIndex.open(v2);
        assertEquals(new FingerprintIndex.Track("old", "old.ogg", 12.5, 7, 9), old.track(0));
        assertEquals(0, old.track(0).marks().size());
        float[] x = piece(5, 20);
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(v2)) {
            w.add(track("new", x), Landmarks.of(x, Landmarks.INDEX));
            w.commit();
        }
        FingerprintIndex now = FingerprintIndex.open(v2);
        assertEquals(List.of("old", "new"), now.tracks().stream().map(FingerprintIndex.Track::id).toList());
        java.nio.ByteBuffer head = java.nio.ByteBuffer.wrap(Files.readAllBytes(v2), 16, 4);
        assertEquals(FingerprintIndex.VERSION, head.getInt(), "rewritten in the current version");
    }

    @Test
    void rejectsFilesThatAreNoIndex() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.mfp"), "hello, this is not an index at all");
        MgsvException e = assertThrows(MgsvException.class, () -> FingerprintIndex.open(junk));
        assertTrue(e.getMessage().contains("not a fingerprint index"), e.getMessage());
        assertThrows(MgsvException.class, () -> FingerprintIndex.open(dir.resolve("missing.mfp")));
    }

    /**
     * An index at {@code file} of {@code n} synthetic pieces (piece i: seed {@code seed + i}, {@code seconds(i)} s,
     * id "t" + i), whose samples are added to {@code tracks} in order.
     */
    static FingerprintIndex library(Path file, int n, long seed, java.util.function.IntToDoubleFunction seconds,
            List<float[]> tracks) {
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(file)) {
            for (int i = 0; i < n; i++) {
                float[] x = piece(seed + i, seconds.applyAsDouble(i));
                tracks.add(x);
                w.add(track("t" + i, x), Landmarks.of(x, Landmarks.INDEX));
            }
            w.commit();
        }
        return FingerprintIndex.open(file);
    }

    @Test
    void matchesAnExcerptWithNoiseAndFindsItsOffsetAndSpan() {
        List<float[]> tracks = new ArrayList<>();
        FingerprintIndex idx = library(dir.resolve("lib.mfp"), 4, 10, i -> 30, tracks);
        Matcher m = new Matcher(idx, Matcher.TrackSource.of(tracks::get), Matcher.Config.DEFAULT);
        // query: 1.5 s of noise, then 8 s of t2 from 7.3 s, then 1 s of noise
        int sr = Landmarks.SAMPLE_RATE;
        float[] q = new float[(int) (10.5 * sr)];
        Random r = new Random(5);
        int from = (int) (7.3 * sr), pre = (int) (1.5 * sr), len = 8 * sr;
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (0.01 * r.nextGaussian());
        }
        for (int i = 0; i < len; i++) {
            q[pre + i] += 0.7f * tracks.get(2)[from + i];
        }
        Matcher.Result res = m.match(q);
        assertNotNull(res.match(), "rejected: " + res.reject());
        Matcher.Match hit = res.match();
        assertEquals(2, hit.track());
        assertEquals(7.3 - 1.5, hit.offsetSeconds(), 0.010);
        assertEquals(1.5, hit.videoStart(), 0.15);
        assertEquals(9.5, hit.videoEnd(), 0.15);
        assertEquals(7.3, hit.musicStart(), 0.15);
        // a piece that is not in the library is rejected
        Matcher.Result none = m.match(piece(99, 10));
        assertNull(none.match(), "accepted a track that is not in the library");
    }
}
