package org.mgsv.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the matcher decides on a real recording: a soundtrack whose music is louder than nothing else (voice-over
 * up to 9 dB above it) is confirmed on its waveform, a recording not in the library is still rejected under the
 * same cover, and a passage the track plays twice is placed where the whole soundtrack fits.
 */
class MatcherDecisionTest {
    private static final int SR = Landmarks.SAMPLE_RATE;
    @TempDir static Path dir;
    private static float[] rec;
    private static final List<float[]> tracks = new ArrayList<>();
    private static Matcher matcher;

    @BeforeAll
    static void library() {
        rec = MusicLibrary.mono(FingerprintIndexTest.recording());
        // the recording with its passage 20–40 s played again at 60 s (a repeat), among synthetic pieces
        float[] repeated = new float[rec.length + 20 * SR];
        System.arraycopy(rec, 0, repeated, 0, 60 * SR);
        System.arraycopy(rec, 20 * SR, repeated, 60 * SR, 20 * SR);
        System.arraycopy(rec, 60 * SR, repeated, 80 * SR, rec.length - 60 * SR);
        tracks.add(repeated);
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(dir.resolve("lib.mfp"))) {
            w.add(FingerprintIndexTest.track("frantic", repeated), Landmarks.of(repeated, Landmarks.INDEX));
            for (int i = 0; i < 14; i++) {
                float[] x = FingerprintIndexTest.piece(100 + i, 40);
                tracks.add(x);
                w.add(FingerprintIndexTest.track("t" + i, x), Landmarks.of(x, Landmarks.INDEX));
            }
            w.commit();
        }
        matcher = new Matcher(FingerprintIndex.open(dir.resolve("lib.mfp")), Matcher.TrackSource.of(tracks::get),
                Matcher.Config.DEFAULT);
    }

    /**
     * {@code seconds} of {@code music} from {@code from} s under a cover {@code musicDb} below it (negative: louder
     * than the music): another passage of the recording played backwards, which has its timbre and loudness but not
     * its waveform, as speech over music has to the matcher; and noise 34 dB down.
     */
    private static float[] soundtrack(float[] music, double from, double seconds, double musicDb, long seed) {
        int n = (int) (seconds * SR), src = (int) (from * SR), other = (int) ((from + 47) * SR) + n;
        double ms = 0, os = 0;
        for (int i = 0; i < n; i++) {
            ms += music[src + i] * music[src + i];
            os += rec[other - i] * rec[other - i];
        }
        double scale = Math.sqrt(ms / os) / Math.pow(10, musicDb / 20), noise = Math.sqrt(ms / n) * 0.02;
        Random r = new Random(seed);
        float[] q = new float[n];
        for (int i = 0; i < n; i++) {
            q[i] = (float) (0.6 * (music[src + i] + scale * rec[other - i]) + noise * r.nextGaussian());
        }
        return q;
    }

    @Test
    void musicUnderAVoiceOverLouderThanItIsFoundWithinTenMilliseconds() {
        // (dB, from): all but the first have too little spectral contrast to be accepted on it alone; the waveform
        // confirms them. None is in the repeated passage
        double[][] cases = {{-3, 45}, {-6, 2}, {-6, 12}, {-9, 5}, {-9, 9}, {-9, 100}};
        for (double[] c : cases) {
            double db = c[0], from = c[1];
            Matcher.Result r = matcher.match(soundtrack(tracks.get(0), from, 8, db, (long) from));
            String what = db + " dB at " + from + " s: " + r.reject();
            assertTrue(r.accepted(), what);
            assertEquals("frantic", trackId(r), what);
            assertEquals(from, r.match().offsetSeconds(), 0.01, what);
            assertTrue(r.match().confidence() > 0.15, what + ", confidence " + r.match().confidence());
        }
    }

    @Test
    void aRecordingNotInTheLibraryIsRejectedUnderTheSameCover() {
        // the recording's other half, backwards, is in no track's waveform (the cover, too, is backwards)
        float[] back = new float[rec.length];
        for (int i = 0; i < back.length; i++) {
            back[i] = rec[rec.length - 1 - i];
        }
        for (double db : new double[] {6, 0, -3}) {
            Matcher.Result r = matcher.match(soundtrack(back, 30, 8, db, 7));
            assertFalse(r.accepted(), db + " dB: accepted " + r.match());
        }
    }

    @Test
    void aRepeatedPassageIsPlacedWhereWhatFollowsItFitsToo() {
        // 72–84 s of the repeating track: the repeat's last 8 s (the recording's 32–40 s, also at 32 s) and then 4 s
        // that follow only the repeat (the recording's 60–64 s)
        float[] q = soundtrack(tracks.get(0), 72, 12, -3, 3);
        int atRepeat = (int) Math.round(72.0 * SR / Landmarks.HOP), atFirst = (int) Math.round(32.0 * SR / Landmarks.HOP);
        Matcher.Match voteWrong = matcher.placeAmong(q, 0, atFirst, atRepeat);
        assertNotNull(voteWrong);
        assertEquals(72, voteWrong.offsetSeconds(), 0.01, "voted at the first playing");
        Matcher.Match voteRight = matcher.placeAmong(q, 0, atRepeat, atFirst);
        assertEquals(72, voteRight.offsetSeconds(), 0.01, "voted at the repeat");
        Matcher.Result r = matcher.match(q);
        assertTrue(r.accepted(), r.reject());
        assertEquals("frantic", trackId(r));
        assertEquals(72, r.match().offsetSeconds(), 0.01);
        assertEquals(0, r.match().videoStart(), 0.05);
        assertEquals(12, r.match().videoEnd(), 0.05);
    }

    /** A steady chord of {@code hz} (three partials each, random phases) at {@code amp}, {@code seconds} long. */
    private static float[] chord(double seconds, double amp, long seed, double... hz) {
        Random r = new Random(seed);
        float[] x = new float[(int) (seconds * SR)];
        for (double f : hz) {
            double ph = r.nextDouble() * 2 * Math.PI;
            for (int i = 0; i < x.length; i++) {
                double w = 2 * Math.PI * f * i / SR;
                x[i] += (float) (amp * (Math.sin(w + ph) + 0.5 * Math.sin(2 * w + 2 * ph) + 0.3 * Math.sin(3 * w + ph)));
            }
        }
        return x;
    }

    @Test
    void aSoundtrackSharingOnlyASteadyChordWithATrackIsRejected(@TempDir Path own) {
        // a drone or a held synth chord at equal-tempered pitches correlates with any other recording of it, at any
        // offset, once the lags line up its phases: that is chance, not a match
        double[] a = {220.0, 261.6256, 329.6276};
        List<float[]> lib = new ArrayList<>();
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(own.resolve("lib.mfp"))) {
            for (int i = 0; i < 8; i++) {
                float[] x = FingerprintIndexTest.piece(300 + i, 40);
                if (i == 0) {
                    float[] c = chord(40, 0.3, 1, a);
                    for (int k = 0; k < x.length; k++) {
                        x[k] = 0.3f * x[k] + c[k];
                    }
                }
                lib.add(x);
                w.add(FingerprintIndexTest.track("t" + i, x), Landmarks.of(x, Landmarks.INDEX));
            }
            w.commit();
        }
        FingerprintIndex idx = FingerprintIndex.open(own.resolve("lib.mfp"));
        Matcher m = new Matcher(idx, Matcher.TrackSource.of(lib::get), Matcher.Config.DEFAULT);
        for (int trial = 0; trial < 4; trial++) {
            float[] other = FingerprintIndexTest.piece(900 + trial, 10), c = chord(10, 0.3, 50 + trial, a);
            Random r = new Random(trial);
            float[] q = new float[other.length];
            for (int k = 0; k < q.length; k++) {
                q[k] = (float) ((trial % 2 == 0 ? 0.3 : 0.05) * other[k] + c[k] + 0.02 * r.nextGaussian());
            }
            Matcher.Result res = m.match(q);
            assertFalse(res.accepted(), "trial " + trial + ": accepted " + res.match());
        }
        // the chord's own track is still found, its other parts deciding
        float[] q = Matcher.slice(lib.get(0), 12 * SR, 10 * SR);
        Matcher.Result res = m.match(q);
        assertTrue(res.accepted(), res.reject());
        assertEquals(0, res.match().track());
        assertEquals(12, res.match().offsetSeconds(), 0.01);
    }

    private static String trackId(Matcher.Result r) {
        return matcherIndex().track(r.match().track()).id();
    }

    private static FingerprintIndex matcherIndex() {
        return FingerprintIndex.open(dir.resolve("lib.mfp"));
    }
}
