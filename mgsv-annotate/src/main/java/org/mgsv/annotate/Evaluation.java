package org.mgsv.annotate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.media.audio.Resampler;

/**
 * Accuracy of the annotator on generated query videos with known ground truth, made from real recordings:
 * moments of library tracks under conditions (voice-over at a music-to-speech ratio, codec and bit rate, plus
 * random pre-roll, post-roll, fades, gain, EQ tilt, room noise, sample rate and channels), and videos that must
 * be rejected (music held out of the library, speech only, a silent soundtrack, no audio stream).
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * A kind of query video. {@code musicDb}: music-to-speech ratio (NaN: no voice-over); {@code source}: where
     * the music comes from.
     */
    public record Condition(String name, Source source, double musicDb, String codec, int bitrateK) {}

    public enum Source { LIBRARY, HELD_OUT, SPEECH_ONLY, SILENT, NO_AUDIO }

    /** The conditions of the benchmark: every codec at 64 kbps, ratios down to −3 dB, and the reject cases. */
    public static List<Condition> standard() {
        List<Condition> c = new ArrayList<>();
        c.add(new Condition("music only, aac 64k", Source.LIBRARY, Double.NaN, "aac", 64));
        for (String codec : List.of("aac", "opus", "mp3")) {
            c.add(new Condition("speech +6 dB, " + codec + " 64k", Source.LIBRARY, 6, codec, 64));
            c.add(new Condition("speech 0 dB, " + codec + " 64k", Source.LIBRARY, 0, codec, 64));
            c.add(new Condition("speech -3 dB, " + codec + " 64k", Source.LIBRARY, -3, codec, 64));
        }
        c.add(new Condition("held-out track, speech 0 dB", Source.HELD_OUT, 0, "aac", 64));
        c.add(new Condition("held-out track, music only", Source.HELD_OUT, Double.NaN, "mp3", 64));
        c.add(new Condition("speech only", Source.SPEECH_ONLY, 0, "opus", 64));
        c.add(new Condition("silent soundtrack", Source.SILENT, Double.NaN, "aac", 64));
        c.add(new Condition("no audio stream", Source.NO_AUDIO, Double.NaN, "aac", 64));
        return c;
    }

    /** A generated video: its file, condition, and ground truth ({@code trackId} null: must be rejected). */
    public record Case(Path file, Condition condition, String trackId, SyntheticQueries.Spec spec) {}

    /**
     * Writes {@code perCondition} videos per condition into {@code dir}. Sources: {@code library} (indexed) and
     * {@code heldOut} (not indexed) track files; moments of {@code minLen}..{@code maxLen} s; every
     * {@code videoEvery}-th file is muxed with a picture (.mp4/.mkv), the others are audio files.
     */
    public static List<Case> generate(SyntheticQueries gen, Path dir, List<Path> library, List<Path> heldOut,
            List<Condition> conditions, int perCondition, double minLen, double maxLen, int videoEvery, long seed,
            Runnable onStep) {
        Map<Path, float[]> audio = new LinkedHashMap<>();
        Random rnd = new Random(seed);
        List<Case> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new MgsvException("cannot create " + dir + ": " + e.getMessage());
        }
        int k = 0;
        for (Condition c : conditions) {
            for (int q = 0; q < perCondition; q++, k++) {
                String id = String.format(java.util.Locale.ROOT, "q%04d", k);
                boolean video = videoEvery > 0 && k % videoEvery == 0;
                long s = rnd.nextLong();
                Random r = new Random(s);
                switch (c.source()) {
                    case LIBRARY, HELD_OUT -> {
                        List<Path> from = c.source() == Source.LIBRARY ? library : heldOut;
                        if (from.isEmpty()) {
                            throw new MgsvException("no " + (c.source() == Source.LIBRARY ? "library" : "held-out")
                                    + " track long enough for a " + minLen + " s moment");
                        }
                        Path t = from.get(r.nextInt(from.size()));
                        float[] x = audio.computeIfAbsent(t, SyntheticQueries::load);
                        double secs = (double) x.length / SyntheticQueries.RATE;
                        SyntheticQueries.Spec spec = SyntheticQueries.randomSpec(id, r, secs, minLen, maxLen,
                                c.musicDb(), c.codec());
                        float[] pcm = gen.render(spec, x, r.nextInt(16), r.nextLong());
                        Path f = gen.encode(spec, pcm, dir, video);
                        out.add(new Case(f, c, c.source() == Source.LIBRARY ? MediaFiles.idOf(t) : null, spec));
                    }
                    case SPEECH_ONLY, SILENT -> {
                        double len = minLen + r.nextDouble() * (maxLen - minLen);
                        SyntheticQueries.Spec spec = new SyntheticQueries.Spec(id, false, 0, len, 0, 0, 0, 0,
                                c.source() == Source.SILENT ? Double.NaN : c.musicDb(),
                                c.source() == Source.SILENT ? Double.NaN : 20 + 10 * r.nextDouble(), 1, 0, c.codec(),
                                c.bitrateK(), 48000, 2);
                        float[] pcm = gen.render(spec, null, r.nextInt(16), r.nextLong());
                        out.add(new Case(gen.encode(spec, pcm, dir, video), c, null, spec));
                    }
                    case NO_AUDIO -> {
                        double len = minLen + r.nextDouble() * (maxLen - minLen);
                        out.add(new Case(SyntheticQueries.silentVideo(dir.resolve(id + ".mp4"), len), c, null, null));
                    }
                    default -> throw new IllegalStateException("no generator for source " + c.source());
                }
                onStep.run();
            }
        }
        return out;
    }

    /** One case's result and the seconds it took (probe, decode, fingerprint, match). */
    public record Outcome(Case c, Object result, double seconds, Stages stages) {
        public Annotator.Row row() {
            return result instanceof Annotator.Row r ? r : null;
        }
    }

    /** Runs every case through {@code annotator} one at a time, timing each. */
    public static List<Outcome> run(Annotator annotator, List<Case> cases, Runnable onStep) {
        List<Outcome> out = new ArrayList<>();
        for (Case c : cases) {
            Stages st = new Stages();
            long t0 = System.nanoTime();
            Object r = annotator.annotate(c.file(), st);
            out.add(new Outcome(c, r, (System.nanoTime() - t0) / 1e9, st));
            onStep.run();
        }
        return out;
    }

    /**
     * Figures of one group of outcomes: videos, correct track, wrong track, missed (rejected though in the
     * library), false accepts (accepted though nothing should be), and errors of the correct ones: |offset| in
     * ms, |music_start| in ms, |music_end| in s (median and p90).
     */
    public record Summary(String name, int videos, int correct, int wrong, int missed, int falseAccepts,
            double offsetMsP50, double offsetMsP90, double startMsP50, double startMsP90, double startNoFadeMsP50,
            double startNoFadeMsP90, double endSP50, double endSP90, double endNoFadeSP50, double latencyMsP50) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("condition", name);
            m.put("videos", videos);
            m.put("correct", correct);
            m.put("wrong_track", wrong);
            m.put("missed", missed);
            m.put("false_accepts", falseAccepts);
            m.put("offset_error_ms_p50", offsetMsP50);
            m.put("offset_error_ms_p90", offsetMsP90);
            m.put("start_error_ms_p50", startMsP50);
            m.put("start_error_ms_p90", startMsP90);
            m.put("start_error_ms_p50_without_fade_in", startNoFadeMsP50);
            m.put("start_error_ms_p90_without_fade_in", startNoFadeMsP90);
            m.put("end_error_s_p50", endSP50);
            m.put("end_error_s_p90", endSP90);
            m.put("end_error_s_p50_without_fade_out", endNoFadeSP50);
            m.put("latency_ms_p50", latencyMsP50);
            return m;
        }
    }

    public static Summary summarise(String name, List<Outcome> outcomes) {
        int correct = 0, wrong = 0, missed = 0, fa = 0;
        List<Double> off = new ArrayList<>(), st = new ArrayList<>(), en = new ArrayList<>(), lat = new ArrayList<>();
        List<Double> stNf = new ArrayList<>(), enNf = new ArrayList<>();
        for (Outcome o : outcomes) {
            lat.add(o.seconds() * 1000);
            Annotator.Row row = o.row();
            String truth = o.c().trackId();
            if (truth == null) {
                if (row != null) {
                    fa++;
                }
                continue;
            }
            if (row == null) {
                missed++;
                continue;
            }
            if (!row.annotation().musicId().equals(truth)) {
                wrong++;
                continue;
            }
            correct++;
            SyntheticQueries.Spec s = o.c().spec();
            double trueOffset = s.musicStart() - s.preRoll();
            off.add(Math.abs(row.match().offsetSeconds() - trueOffset) * 1000);
            double se = Math.abs(row.annotation().musicStart() - s.musicStart()) * 1000;
            double ee = Math.abs(row.annotation().musicEnd() - s.musicEnd());
            st.add(se);
            en.add(ee);
            if (s.fadeIn() == 0) {
                stNf.add(se);
            }
            if (s.fadeOut() == 0) {
                enNf.add(ee);
            }
        }
        return new Summary(name, outcomes.size(), correct, wrong, missed, fa, q(off, 0.5, 1), q(off, 0.9, 1),
                q(st, 0.5, 1), q(st, 0.9, 1), q(stNf, 0.5, 1), q(stNf, 0.9, 1), q(en, 0.5, 3), q(en, 0.9, 3),
                q(enNf, 0.5, 3), q(lat, 0.5, 1));
    }

    /** Summaries per condition, then over all library videos at ≥ 0 dB, at −3 dB, and over all reject cases. */
    public static List<Summary> summaries(List<Outcome> outcomes) {
        Map<String, List<Outcome>> by = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            by.computeIfAbsent(o.c().condition().name(), k -> new ArrayList<>()).add(o);
        }
        List<Summary> out = new ArrayList<>();
        for (var e : by.entrySet()) {
            out.add(summarise(e.getKey(), e.getValue()));
        }
        out.add(summarise("ALL in library, music-to-speech >= 0 dB", outcomes.stream()
                .filter(o -> o.c().condition().source() == Source.LIBRARY
                        && !(o.c().condition().musicDb() < 0)).toList()));
        out.add(summarise("ALL in library, music-to-speech -3 dB", outcomes.stream()
                .filter(o -> o.c().condition().source() == Source.LIBRARY && o.c().condition().musicDb() < 0)
                .toList()));
        out.add(summarise("ALL that must be rejected", outcomes.stream()
                .filter(o -> o.c().condition().source() != Source.LIBRARY).toList()));
        return out;
    }

    /** The {@code p}-quantile (nearest rank) rounded to {@code digits}; NaN when empty. */
    static double q(List<Double> xs, double p, int digits) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        double v = a[Math.min(a.length - 1, (int) Math.ceil(p * a.length) - 1 < 0 ? 0 : (int) Math.ceil(p * a.length) - 1)];
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    // ------------------------------------------------------------------------------------------- generated library

    /**
     * A generated library of {@code n} distractor tracks from real recordings: track {@code i} is source
     * {@code i mod sources} played at another speed (pitch and tempo change together) and, every other copy,
     * backwards, so its landmarks are those of a different recording. Its audio is made again on demand for
     * verification, only the excerpt asked for ({@link #window}), as a library's files are decoded.
     */
    public static final class Distractors implements IntFunction<float[]>, Matcher.TrackSource {
        private final List<float[]> sources;
        private final int n;

        /** {@code sources}: mono audio at {@link Landmarks#SAMPLE_RATE}. */
        public Distractors(List<float[]> sources, int n) {
            this.sources = sources;
            this.n = n;
        }

        public int size() {
            return n;
        }

        /** Copy {@code i}'s playback rate: a multiple of 25 Hz (a small resampling filter) for a speed in
         * [0.62, 0.9] or [1.1, 1.6]. */
        int rate(int i) {
            int copies = (n + sources.size() - 1) / sources.size();
            int c = i / sources.size() / 2, half = Math.max(1, (copies + 1) / 2);
            double u = half <= 1 ? 0.5 : (double) (c / 2) / Math.max(1, (half - 1) / 2);
            double speed = c % 2 == 0 ? 0.62 + 0.28 * Math.min(1, u) : 1.1 + 0.5 * Math.min(1, u);
            return (int) Math.round(Landmarks.SAMPLE_RATE / speed / 25) * 25;
        }

        boolean reversed(int i) {
            return (i / sources.size()) % 2 == 1;
        }

        /** A name saying how copy {@code i} was made from its source. */
        public String describe(int i) {
            return "source " + (i % sources.size()) + " at speed "
                    + String.format(java.util.Locale.ROOT, "%.3f", (double) Landmarks.SAMPLE_RATE / rate(i))
                    + (reversed(i) ? ", reversed" : "");
        }

        @Override
        public float[] apply(int i) {
            float[] x = Resampler.resample(sources.get(i % sources.size()), Landmarks.SAMPLE_RATE, rate(i));
            if (x == sources.get(i % sources.size())) {
                x = x.clone();
            }
            if (reversed(i)) {
                for (int a = 0, b = x.length - 1; a < b; a++, b--) {
                    float t = x[a];
                    x[a] = x[b];
                    x[b] = t;
                }
            }
            return x;
        }

        /** Samples [{@code from}, {@code from + length}) of copy {@code i} (zeros outside it), resampled alone. */
        @Override
        public float[] window(int i, long from, int length) {
            float[] src = sources.get(i % sources.size());
            if (rate(i) == Landmarks.SAMPLE_RATE) {
                return Matcher.slice(apply(i), from, length);
            }
            Resampler r = Resampler.of(Landmarks.SAMPLE_RATE, rate(i));
            long total = r.outputLength(src.length);
            long a = reversed(i) ? total - (from + length) : from; // the window in the forward copy
            int lo = (int) Math.max(0, Math.min(total, a)), hi = (int) Math.max(0, Math.min(total, a + length));
            float[] y = new float[hi];
            r.apply(src, y, lo, hi);
            float[] w = Matcher.slice(y, a, length);
            if (reversed(i)) {
                for (int p = 0, q = w.length - 1; p < q; p++, q--) {
                    float t = w[p];
                    w[p] = w[q];
                    w[q] = t;
                }
            }
            return w;
        }
    }
}
