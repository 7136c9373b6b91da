package org.mgsv.annotate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.TopKHeap;

/**
 * Finds which library track a query's audio carries, and where.
 *
 * <ol>
 *   <li>Vote: the query is fingerprinted on {@value #QUERY_SHIFTS} frame grids a quarter hop apart (audfprint's
 *       query shifts); every query landmark that occurs in the index votes for (track, track frame − query
 *       frame), each (hash, track, offset) once (optionally not hashes too common to tell tracks apart:
 *       {@link Config#commonHash}); a count sums an offset with its better neighbour (frame jitter). The
 *       {@link Config#candidates} tracks with most votes (at least {@link Config#minVotes}, and at least a quarter
 *       of the most) are verified, the first {@value #FIRST_ROUND} at once and the others only when none of those is
 *       accepted, each on the excerpt of its track the votes point at (read by window, not
 *       whole). The landmarks whose hash falls in a fixed eighth vote first: when one track is far ahead there
 *       ({@value #SAMPLE_MIN_VOTES} votes or more, over four times the next), it alone is verified, as the full
 *       vote would do; anything less clear is voted on with every landmark.</li>
 *   <li>Refine the offset below a frame: onset envelopes (positive log-energy differences in 16 bands, 256-point
 *       STFT, hop 64 = 5.8 ms) of the query and the aligned track are cross-correlated over ±8 hops; the peak is
 *       interpolated with a parabola.</li>
 *   <li>Extent: with the track aligned, each query frame's whitened log spectrum is correlated with the track's;
 *       smoothed over ±0.25 s, the similarity is compared with that of a deliberately misaligned track (chance
 *       level) and the matched run is grown from the voted frames while it stays above the midpoint, so fades,
 *       a video starting before the music or music cut early give the heard span.</li>
 *   <li>Decide. The waveforms first: a candidate whose aligned track correlates with the soundtrack sample by
 *       sample ({@link GainEdges#coherence}, over 4 s or more) by {@value #CONFIRM_COHERENCE} or more above what
 *       misaligned copies of the track reach (chance; where one reaches half the aligned figure, as steady tones and
 *       drones do at any offset, the waveform is no evidence) is heard there however much speech covers the
 *       spectra, unless a second one comes within 70% of it (ambiguous). Else the contrast (median similarity of
 *       the voted frames minus chance level) decides: the best candidate needs {@link Config#minContrast} (twice
 *       that when another track collected more votes), and a runner-up within 70% of it makes the video
 *       ambiguous. Where the accepted track also fits at other offsets
 *       with a quarter of its votes or more (a passage it repeats), each is verified and the one whose waveform
 *       fits the soundtrack best over the span either is heard in is kept.</li>
 * </ol>
 */
public final class Matcher {
    /**
     * Acceptance thresholds, and which landmarks vote: with {@code commonHash} > 0, a query hash whose bucket holds
     * more than {@code commonHash} times the index's mean bucket (and more than {@value #COMMON_FLOOR} entries) is
     * taken as too common to tell tracks apart and skipped (a stop word). Off by default (0: every hash votes):
     * against 4,000 tracks, 8 skipped about 40% of the votes' index reads but only about 3% of the query time,
     * and lost one video of 100 (README, "Your own dataset").
     */
    public record Config(int minVotes, int candidates, double minContrast, double commonHash) {
        public static final Config DEFAULT = new Config(5, 10, 0.15, 0);

        public Config(int minVotes, int candidates, double minContrast) {
            this(minVotes, candidates, minContrast, DEFAULT.commonHash());
        }
    }

    /** Buckets of at most this many entries always vote (small libraries have no common hashes). */
    static final int COMMON_FLOOR = 64;

    /** A result: a match, or the reason there is none. */
    public record Result(Match match, String reject, int votes, int secondVotes) {
        public boolean accepted() {
            return match != null;
        }
    }

    /**
     * A found track: {@code offsetSeconds} = track time − video time; the heard span in the video
     * [{@code videoStart}, {@code videoEnd}) and in the track [{@code musicStart}, {@code musicEnd}). {@code votes}
     * and {@code secondVotes} are those of the vote that decided: the sampled eighth of the query's hashes when its
     * best track was clear enough to be verified alone (see {@link #match(float[], Stages)}), else all of them.
     * {@code contrast}: the aligned spectra's similarity above chance; {@code coherence}: the aligned waveforms'
     * correlation above chance (see {@link #waveformEvidence}; 0 where the waveforms are no evidence);
     * {@code confidence}: the larger of the two, in [0, 1].
     */
    public record Match(int track, double offsetSeconds, double videoStart, double videoEnd, double musicStart,
            double musicEnd, int votes, int secondVotes, double confidence, double contrast, double coherence) {}

    /** Frame grids a query is analysed on (see {@link Landmarks#shifted}). */
    static final int QUERY_SHIFTS = 4;
    private static final int FINE_N = 256;
    private static final int FINE_HOP = 64;
    private static final int FINE_BANDS = 16;
    private static final int FINE_LAGS = 8;
    private static final int SIM_LO = 3;
    private static final int SIM_HI = 232; // ≈ 5 kHz
    private static final int SMOOTH = 10;
    private static final int NULL_SHIFT = 97; // frames (≈ 2.25 s)

    /** Samples of the track before and after what refinement and extent read (lags, rounding). */
    private static final int WINDOW_MARGIN = 4 * Landmarks.NFFT;
    /** Shortest stretch of query the waveform coherence is measured over, seconds. */
    static final double COHERENCE_SECONDS = 4.0;
    /**
     * Waveform coherence that confirms a candidate on its own, aligned and above chance ({@link Match#coherence}).
     * Against recordings that are not the query's, over 4–6 s, the largest aligned coherence seen in
     * {@code bench annotate}'s 450 videos is 0.085, 0.04 above chance; the true track under voice-over at −3 dB and a
     * 64 kbps codec keeps 0.17 aligned, 0.14 above chance, or more.
     */
    static final double CONFIRM_COHERENCE = 0.12;
    /** Candidates with fewer votes than this fraction of the most are not verified. */
    private static final int VERIFY_DIVISOR = 4;

    /** A library track's mono samples at {@link Landmarks#SAMPLE_RATE}, read by window. */
    public interface TrackSource {
        /** Samples [{@code from}, {@code from + length}) of track number {@code track}; zeros outside it. */
        float[] window(int track, long from, int length);

        /** A source over whole tracks in memory (track number → its samples). */
        static TrackSource of(java.util.function.IntFunction<float[]> tracks) {
            return (track, from, length) -> slice(tracks.apply(track), from, length);
        }
    }

    /** Samples [{@code from}, {@code from + length}) of {@code x}, zeros outside it. */
    public static float[] slice(float[] x, long from, int length) {
        float[] out = new float[length];
        long a = Math.max(0, from), b = Math.min(x.length, from + length);
        if (a < b) {
            System.arraycopy(x, (int) a, out, (int) (a - from), (int) (b - a));
        }
        return out;
    }

    private final FingerprintIndex index;
    private final TrackSource trackAudio;
    private final Config config;
    private final ExecutorService helpers;
    private final int threads;
    private final long parallelVotes;
    /** Whether the sampled vote goes first (tests compare it with the full vote alone). */
    boolean sampleFirst = true;

    public Matcher(FingerprintIndex index, TrackSource trackAudio, Config config) {
        this(index, trackAudio, config, 1);
    }

    /**
     * A matcher that shares each query's work among {@code threads} threads (the caller's and {@code threads − 1}
     * daemon helpers): half of the frame grids are fingerprinted by a helper, the query's verification analyses
     * made there while the caller votes, and the candidates verified side by side. The result is the same for any
     * number of threads; only latency changes. For many videos at once, one thread per query and one query per
     * thread is the better use of the cores.
     */
    public Matcher(FingerprintIndex index, TrackSource trackAudio, Config config, int threads) {
        this(index, trackAudio, config, threads, PARALLEL_VOTES);
    }

    /** As above; queries with fewer than {@code parallelVotes} index reads vote on one thread. */
    Matcher(FingerprintIndex index, TrackSource trackAudio, Config config, int threads, long parallelVotes) {
        this.index = index;
        this.trackAudio = trackAudio;
        this.config = config;
        this.threads = Math.max(1, threads);
        this.helpers = Parallel.helpers(this.threads);
        this.parallelVotes = parallelVotes;
    }

    /** Threads a query's work is shared among. */
    public int threads() {
        return threads;
    }

    /** The query's own analyses for verification: made once per query, whatever the number of candidates. */
    static final class QueryAnalysis {
        final float[] audio;
        private float[][] onsets;
        /**
         * The unshifted grid's log spectrogram the landmarks were found on ({@link Landmarks#shifted} hands it out;
         * they are done with it), whitened in place on first use.
         */
        private final float[][] spectrum;
        private boolean whitened;

        QueryAnalysis(float[] audio, float[][] grid0) {
            this.audio = audio;
            this.spectrum = java.util.Objects.requireNonNull(grid0, "the query's unshifted spectrogram");
        }

        /** Onset envelopes of the whole query (what refinement correlates). */
        synchronized float[][] onsets() {
            if (onsets == null) {
                onsets = Matcher.onsets(audio, 0, -1);
            }
            return onsets;
        }

        /** Whitened log spectrum of the whole query (what the extent compares); not to be modified. */
        synchronized float[][] spectrum() {
            if (!whitened) {
                whiten(spectrum);
                whitened = true;
            }
            return spectrum;
        }
    }

    /** Matches mono query audio at {@link Landmarks#SAMPLE_RATE}. */
    public Result match(float[] query) {
        return match(query, null);
    }

    /** {@link #match(float[])}, adding each stage's time to {@code stages} when it is not null. */
    public Result match(float[] query, Stages stages) {
        long t = System.nanoTime();
        // the unshifted grid's spectrogram serves the landmarks and verification's whitened spectrum alike
        float[][][] grid0 = new float[1][][];
        Landmarks.Prints q = Landmarks.shifted(query, Landmarks.QUERY, QUERY_SHIFTS, helpers, grid0);
        QueryAnalysis qa = new QueryAnalysis(query, grid0[0]);
        t = Stages.lap(stages, Stages.Stage.FINGERPRINT, t);
        // verification's analyses of the query, made while this thread votes
        Future<?> analysis = helpers == null ? null : helpers.submit(() -> {
            qa.onsets();
            qa.spectrum();
        });
        // an eighth of the hashes first: a track far ahead of every other on them is the one the whole vote
        // would verify alone, so it is verified right away; anything less clear is voted on with every hash
        Vote[] top = sampleFirst ? vote(sample(q), config.candidates()) : new Vote[0];
        t = Stages.lap(stages, Stages.Stage.VOTE, t);
        if (clear(top)) {
            Result r = decide(qa, top, analysis, stages, t);
            if (r.accepted()) {
                return r;
            }
            t = System.nanoTime();
        }
        top = vote(q, config.candidates());
        t = Stages.lap(stages, Stages.Stage.VOTE, t);
        return decide(qa, top, analysis, stages, t);
    }

    /** Query hashes in the sampled vote: those whose mixed bits fall in one of {@value #SAMPLE} classes. */
    static final int SAMPLE = 8;
    /** The sampled vote can decide alone when its best track has at least this many votes. */
    static final int SAMPLE_MIN_VOTES = 16;

    /** The landmarks of {@code q} whose hash is in the sampled class (a fixed pseudo-random eighth of hashes). */
    static Landmarks.Prints sample(Landmarks.Prints q) {
        int n = 0;
        int[] h = new int[q.size()], tm = new int[q.size()];
        for (int i = 0; i < q.size(); i++) {
            int x = q.hashes()[i];
            if (sampled(x)) {
                h[n] = x;
                tm[n++] = q.times()[i];
            }
        }
        return new Landmarks.Prints(Arrays.copyOf(h, n), Arrays.copyOf(tm, n), q.frames());
    }

    static boolean sampled(int hash) {
        return ((hash * 0x9E3779B9) >>> 29) == 0; // the top three bits of a multiplicative mix: an eighth
    }

    /**
     * Whether the sampled vote is clear: its best track has {@value #SAMPLE_MIN_VOTES} votes or more and over
     * {@value #VERIFY_DIVISOR} times the next track's, so the full vote (eight times the votes, the same ratio in
     * expectation) would verify it alone as well.
     */
    private static boolean clear(Vote[] top) {
        if (top.length == 0 || top[0].votes < SAMPLE_MIN_VOTES) {
            return false;
        }
        return top.length < 2 || top[0].votes > (long) VERIFY_DIVISOR * top[1].votes;
    }

    /** Verification of the candidates {@code top} of a vote and the decision. */
    private Result decide(QueryAnalysis qa, Vote[] top, Future<?> analysis, Stages stages, long t) {
        int best = top.length == 0 ? 0 : top[0].votes;
        int next = top.length < 2 ? 0 : top[1].votes;
        if (best < config.minVotes()) {
            if (analysis != null) {
                analysis.cancel(false); // not needed: nothing to verify (a running one finishes on its own)
            }
            return new Result(null, "no match in the library" + (best == 0 ? "" : " (best candidate: " + best
                    + " votes)"), best, next);
        }
        List<Vote> eligible = new ArrayList<>();
        for (Vote v : top) {
            if (v.votes < config.minVotes() || (long) v.votes * VERIFY_DIVISOR < best) {
                break; // most first
            }
            eligible.add(v);
        }
        // the leading candidates first; the others only where none of those is accepted (a true track under loud
        // speech can have no more votes than chance gives several others)
        int first = Math.min(eligible.size(), FIRST_ROUND);
        List<Verified> verified = new ArrayList<>(verifyAll(qa, eligible.subList(0, first), top));
        t = Stages.lap(stages, Stages.Stage.VERIFY, t);
        Result r = choose(qa, verified, top, stages, t, best, next);
        if (r.accepted() || first == eligible.size()) {
            return r;
        }
        t = System.nanoTime();
        verified.addAll(verifyAll(qa, eligible.subList(first, eligible.size()), top));
        t = Stages.lap(stages, Stages.Stage.VERIFY, t);
        return choose(qa, verified, top, stages, t, best, next);
    }

    /** Candidates verified in the first round; the rest of {@link Config#candidates} only when none is accepted. */
    static final int FIRST_ROUND = 3;

    /** The decision among the verified candidates of the vote {@code top}. */
    private Result choose(QueryAnalysis qa, List<Verified> verified, Vote[] top, Stages stages, long t, int best,
            int next) {
        // the waveforms first: a candidate whose aligned track correlates with the soundtrack sample by sample far
        // above chance is heard there, however much speech covers the spectra
        Verified[] wave = bestTwo(verified, Match::coherence, CONFIRM_COHERENCE);
        if (wave[0] != null) {
            if (wave[1] != null && wave[1].match().coherence() > 0.7 * wave[0].match().coherence()) {
                return new Result(null, "ambiguous: " + index.track(wave[0].match().track()).id() + " or "
                        + index.track(wave[1].match().track()).id(), best, next);
            }
            return accept(qa, wave[0], top, stages, t, best, next);
        }
        Verified[] byContrast = bestTwo(verified, Match::contrast, Double.NEGATIVE_INFINITY);
        Verified won = byContrast[0];
        Match winner = won == null ? null : won.match();
        Match runnerUp = byContrast[1] == null ? null : byContrast[1].match();
        if (winner == null || winner.contrast() < config.minContrast()) {
            String why = winner == null ? "" : String.format(java.util.Locale.ROOT,
                    " (best candidate %s: %d votes, contrast %.3f)", index.track(winner.track()).id(),
                    winner.votes(), winner.contrast());
            return new Result(null, "no match in the library" + why, best, next);
        }
        if (winner.votes() < winner.secondVotes() && winner.contrast() < 2 * config.minContrast()) {
            // another track collected more votes than the one that fits best: a weak fit of a chance candidate
            return new Result(null, String.format(java.util.Locale.ROOT,
                    "no match in the library (best candidate %s: %d votes, another track %d, contrast %.3f)",
                    index.track(winner.track()).id(), winner.votes(), winner.secondVotes(), winner.contrast()),
                    best, next);
        }
        if (runnerUp != null && runnerUp.contrast() >= config.minContrast()
                && runnerUp.contrast() > 0.7 * winner.contrast()) {
            return new Result(null, "ambiguous: " + index.track(winner.track()).id() + " or "
                    + index.track(runnerUp.track()).id(), best, next);
        }
        return accept(qa, won, top, stages, t, best, next);
    }

    /** The accepted candidate's result, its heard span fitted on the waveforms. */
    private Result accept(QueryAnalysis qa, Verified v, Vote[] all, Stages stages, long t, int best, int next) {
        Match fitted = edges(qa, repeat(qa, v, all));
        Stages.lap(stages, Stages.Stage.EDGES, t);
        return new Result(fitted, null, best, next);
    }

    /**
     * The accepted candidate at the best of its track's offsets: where the track also fits the query at other
     * offsets ({@link Vote#altOffsets}: passages it repeats, with {@value #VERIFY_DIVISOR} times fewer votes at most),
     * those are verified too, and of each two the one whose aligned waveform correlates more with the query's over
     * the span either is heard in is kept. Voting alone cannot tell repeats apart; the samples can, as a repeat is
     * rarely exact (other parts, mixing, what follows it in the query).
     */
    private Verified repeat(QueryAnalysis qa, Verified won, Vote[] all) {
        Vote v = won.vote();
        List<Vote> alternatives = new ArrayList<>();
        for (int i = 0; i < v.altVotes.length; i++) {
            if (v.altVotes[i] < config.minVotes() || (long) v.altVotes[i] * VERIFY_DIVISOR < v.votes) {
                break; // most first
            }
            alternatives.add(v.alternative(i));
        }
        Verified kept = won;
        for (Verified alt : verifyAll(qa, alternatives, all)) { // side by side on the helpers, as candidates are
            if (alt == null) {
                continue;
            }
            Match a = kept.match(), b = alt.match();
            double vs = Math.min(a.videoStart(), b.videoStart()), ve = Math.max(a.videoEnd(), b.videoEnd());
            double ca = coherence(qa.audio, kept.track(), kept.pos(), vs, ve);
            double cb = coherence(qa.audio, alt.track(), alt.pos(), vs, ve);
            if (cb > ca) {
                kept = alt;
            }
        }
        if (kept == won) {
            return won;
        }
        Match a = won.match(), b = kept.match();
        // b.coherence() is the aligned coherence over its span (a repeat-check verification measures only that)
        double evidence = waveformEvidence(qa.audio, kept.track(), kept.pos(), b.videoStart(), b.videoEnd(),
                b.coherence());
        return new Verified(new Match(b.track(), b.offsetSeconds(), b.videoStart(), b.videoEnd(), b.musicStart(),
                b.musicEnd(), b.votes(), a.secondVotes(), confidence(b.contrast(), evidence), b.contrast(), evidence),
                kept.track(), kept.pos(), kept.vote());
    }

    /**
     * Where {@link #repeat} places {@code query} in {@code track} when its vote put it at frame offset {@code voted}
     * and, with as many votes, at {@code alternatives} (what a track that repeats a passage gives); null when no
     * offset leaves a heard span. A window on the choice between repeats, for tests.
     */
    Match placeAmong(float[] query, int track, int voted, int... alternatives) {
        float[][][] grid0 = new float[1][][];
        Landmarks.shifted(query, Landmarks.QUERY, QUERY_SHIFTS, helpers, grid0);
        QueryAnalysis qa = new QueryAnalysis(query, grid0[0]);
        Vote v = new Vote();
        v.track = track;
        v.offset = voted;
        v.votes = 100;
        v.altOffsets = alternatives.clone();
        v.altVotes = new int[alternatives.length];
        Arrays.fill(v.altVotes, v.votes);
        Vote[] all = {v};
        Verified won = verify(qa, v, all, false);
        return won == null ? null : repeat(qa, won, all).match();
    }

    /**
     * The two verified candidates with the highest {@code key} of at least {@code floor} (nulls skipped; the
     * earlier of equal ones first); null where there are fewer.
     */
    private static Verified[] bestTwo(List<Verified> verified, java.util.function.ToDoubleFunction<Match> key,
            double floor) {
        Verified first = null, second = null;
        for (Verified ver : verified) {
            if (ver == null || key.applyAsDouble(ver.match()) < floor) {
                continue;
            }
            double k = key.applyAsDouble(ver.match());
            if (first == null || k > key.applyAsDouble(first.match())) {
                second = first;
                first = ver;
            } else if (second == null || k > key.applyAsDouble(second.match())) {
                second = ver;
            }
        }
        return new Verified[] {first, second};
    }

    /**
     * The winner with its heard span fitted on the waveforms ({@link GainEdges}); kept as found on the spectra when
     * the aligned waveforms do not correlate.
     */
    private Match edges(QueryAnalysis qa, Verified v) {
        Match m = v.match();
        double sr = Landmarks.SAMPLE_RATE;
        double vs = m.videoStart() * sr, ve = m.videoEnd() * sr;
        double margin = Math.min(sr, (ve - vs) / 4);
        GainEdges.Edges e = GainEdges.find(qa.audio, v.track(), v.pos(), (int) (vs + margin), (int) (ve - margin),
                vs, ve);
        if (e == null) {
            return m;
        }
        double off = m.offsetSeconds();
        double s = Math.max(e.start() / sr, -off);
        double t = Math.min(Math.min(e.end(), qa.audio.length) / sr, index.track(m.track()).seconds() - off);
        if (t - s < 0.5) {
            return m;
        }
        return new Match(m.track(), off, s, t, s + off, t + off, m.votes(), m.secondVotes(), m.confidence(),
                m.contrast(), m.coherence());
    }

    /** A verified candidate, with the track excerpt it was verified on and the excerpt position of query sample 0. */
    private record Verified(Match match, float[] track, double pos, Vote vote) {}

    /** {@link #verify} of each candidate, in their order, shared among the threads. */
    private List<Verified> verifyAll(QueryAnalysis qa, List<Vote> candidates, Vote[] all) {
        // candidate i on the caller when i % threads == 0, else on a helper
        List<Future<Verified>> later = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Vote v = candidates.get(i);
            later.add(i % threads == 0 ? null : helpers.submit(() -> verify(qa, v, all, false)));
        }
        // fewer candidates than threads: a helper would wait, so the caller's candidate reads its excerpt in halves
        boolean split = candidates.size() < threads;
        Verified[] out = new Verified[candidates.size()];
        for (int i = 0; i < out.length; i += threads) {
            out[i] = verify(qa, candidates.get(i), all, split);
        }
        for (int i = 0; i < out.length; i++) {
            if (later.get(i) != null) {
                out[i] = Parallel.join(later.get(i));
            }
        }
        return Arrays.asList(out);
    }

    /**
     * Samples [{@code from}, {@code from + length}) of a track; with {@code split} (on the caller's thread, while a
     * helper would be idle) the second half is read on a helper at the same time. A {@link TrackSource} returns
     * each sample as a whole decode has it, so the halves put together are the window read at once.
     */
    private float[] window(int track, long from, int length, boolean split) {
        if (!split || helpers == null || length < 2 * Landmarks.SAMPLE_RATE) {
            return trackAudio.window(track, from, length);
        }
        int h = length / 2;
        Future<float[]> later = helpers.submit(() -> trackAudio.window(track, from + h, length - h));
        float[] out = Arrays.copyOf(trackAudio.window(track, from, h), length);
        System.arraycopy(Parallel.join(later), 0, out, h, length - h);
        return out;
    }

    /** Refines and measures candidate {@code v}; null when the aligned span is too short. */
    private Verified verify(QueryAnalysis qa, Vote v, Vote[] all, boolean split) {
        float[] query = qa.audio;
        long coarse = (long) v.offset * Landmarks.HOP;
        // the excerpt refine and extent read: the aligned query, the refinement lags, and the misaligned copy
        // NULL_SHIFT frames later that measures the chance level
        long from = coarse - WINDOW_MARGIN;
        long to = coarse + query.length + (long) NULL_SHIFT * Landmarks.HOP + Landmarks.NFFT + WINDOW_MARGIN;
        float[] track = window(v.track, from, (int) (to - from), split);
        ExecutorService side = split ? helpers : null;
        double offsetSamples = from + refine(qa, track, coarse - from, side);
        double[] contrast = new double[1];
        double[] span = extent(qa, track, offsetSamples - from, v, contrast, side);
        double off = offsetSamples / Landmarks.SAMPLE_RATE;
        double qDur = (double) query.length / Landmarks.SAMPLE_RATE;
        double tDur = index.track(v.track).seconds();
        // edges at the (interpolated) frame centres where the similarity crosses the threshold; a run that
        // reaches the first or last frame reaches the start or end of the video
        double vs = span[0] <= 0 ? 0 : (span[0] * Landmarks.HOP + Landmarks.NFFT / 2.0) / Landmarks.SAMPLE_RATE;
        double ve = span[1] >= span[2] - 1 ? qDur
                : Math.min(qDur, (span[1] * Landmarks.HOP + Landmarks.NFFT / 2.0) / Landmarks.SAMPLE_RATE);
        vs = Math.max(vs, -off);
        ve = Math.min(ve, tDur - off);
        if (ve - vs < 0.5) {
            return null;
        }
        int second = 0;
        for (Vote o : all) {
            if (o != v) {
                second = Math.max(second, o.votes);
            }
        }
        // the repeat check compares aligned coherences alone; the one it keeps has its evidence measured then
        double coherence = v.repeatCheck ? coherence(query, track, offsetSamples - from, vs, ve)
                : waveformEvidence(query, track, offsetSamples - from, vs, ve);
        return new Verified(new Match(v.track, off, vs, ve, vs + off, ve + off, v.votes, second,
                confidence(contrast[0], coherence), contrast[0], coherence), track, offsetSamples - from, v);
    }

    /** {@link Match#confidence}: the larger of the spectral contrast and the waveform evidence, in [0, 1]. */
    private static double confidence(double contrast, double coherence) {
        return Math.max(0, Math.min(1, Math.max(contrast, coherence)));
    }

    /** Misaligned copies of the track {@link #waveformEvidence} measures chance on, up to NULL_SHIFT frames later. */
    static final int CHANCE_SHIFTS = 3;
    /** A misaligned copy reaching this fraction of the aligned coherence makes the waveform no evidence. */
    static final double STEADY_RATIO = 0.5;

    /**
     * What the waveforms say, as {@link Match#coherence}: the aligned track's coherence with the query over the
     * heard span ({@link #coherence}) less the most that {@value #CHANCE_SHIFTS} misaligned copies of it reach
     * (0.75, 1.5 and 2.25 s later: chance); 0 when the aligned coherence is below {@value #CONFIRM_COHERENCE} or
     * a misaligned copy reaches {@value #STEADY_RATIO} of it. Steady tones, drones and held chords correlate with another
     * recording of them at any offset once the lags line up their phases; a recording is the soundtrack's only at
     * one offset. On the bench's 450 videos the true tracks' copies reach at most 0.36 of the aligned figure where
     * the waveform is what decides (contrast below 0.2), and 0.68 where the contrast is high anyway.
     */
    private static double waveformEvidence(float[] query, float[] track, double pos, double vs, double ve) {
        return waveformEvidence(query, track, pos, vs, ve, coherence(query, track, pos, vs, ve));
    }

    /** {@link #waveformEvidence(float[], float[], double, double, double)} with the aligned coherence known. */
    private static double waveformEvidence(float[] query, float[] track, double pos, double vs, double ve,
            double aligned) {
        if (aligned < CONFIRM_COHERENCE) {
            return 0;
        }
        double chance = 0;
        for (int k = 1; k <= CHANCE_SHIFTS; k++) {
            chance = Math.max(chance, coherence(query, track,
                    pos + (double) NULL_SHIFT * Landmarks.HOP * k / CHANCE_SHIFTS, vs, ve));
            if (chance > STEADY_RATIO * aligned) {
                return 0; // steady: no evidence, whatever the other copies reach
            }
        }
        return aligned - chance;
    }

    /**
     * Correlation of the query's waveform with the aligned track's ({@link GainEdges#coherence}) over the heard
     * span [{@code vs}, {@code ve}) seconds, widened about its centre to {@value #COHERENCE_SECONDS} s where the
     * query is that long, so that a short span does not reach a high correlation by chance.
     */
    private static double coherence(float[] query, float[] track, double pos, double vs, double ve) {
        double sr = Landmarks.SAMPLE_RATE;
        double need = COHERENCE_SECONDS * sr;
        double a = vs * sr, b = ve * sr;
        if (b - a < need) {
            double mid = (a + b) / 2;
            a = Math.max(0, Math.min(query.length - need, mid - need / 2));
            b = Math.min(query.length, a + need);
            if (b - a < need - 1) {
                return 0; // too short a query to tell the true track from chance on its waveform
            }
        }
        return GainEdges.coherence(query, track, pos, (int) a, (int) b);
    }

    // ------------------------------------------------------------------------------------------- voting

    static final class Vote {
        int track = -1;
        int offset;
        int votes;
        /** First and last query frame of the landmarks that agree with (track, offset ±1); −1 when none. */
        int agreeFirst = -1;
        int agreeLast = -1;
        /**
         * The track's next best offsets (up to {@value Matcher#ALTERNATIVES}, most votes first), each at least
         * {@value Matcher#ALT_SEPARATION} frames from {@link #offset} and from each other, and their votes: where
         * passages the track repeats would also fit the query.
         */
        int[] altOffsets = new int[0];
        int[] altVotes = new int[0];
        /** An alternative offset of an accepted track ({@link #alternative}): verified for the repeat check only. */
        boolean repeatCheck;

        /** This candidate at its alternative offset {@code i}. */
        Vote alternative(int i) {
            Vote a = new Vote();
            a.track = track;
            a.offset = altOffsets[i];
            a.votes = altVotes[i];
            a.repeatCheck = true;
            return a;
        }
    }

    /** Alternative offsets of a candidate that are kept. */
    static final int ALTERNATIVES = 3;
    /** Frames (about 1 s) an alternative offset of a track lies at least from its best one. */
    static final int ALT_SEPARATION = 43;

    /**
     * A vote packed in a long: {@code (offset + bias) << 32 | queryFrame << GROUP_BITS | track % GROUP_SIZE}. Votes are
     * kept per group of {@code GROUP_SIZE} consecutive tracks, so sorting them by track is a small counting sort per
     * group, in cache, instead of one scatter to thousands of tracks across the whole vote array.
     */
    static final int GROUP_BITS = 6;
    static final int GROUP_SIZE = 1 << GROUP_BITS;
    /** Query frames must fit the bits of a vote between the offset and the track: 2^26 frames ≈ 12 days. */
    static final int FRAME_BITS = 32 - GROUP_BITS;
    /** Votes per block of a group's block list. */
    private static final int BLOCK = 2048;

    /**
     * Scratch of one part of a query's votes, kept between queries (a large library's votes run to millions): the
     * votes in blocks of {@value #BLOCK}, one list of blocks per group of tracks, appended to as they are gathered.
     */
    private static final class Scratch {
        long[] arena = new long[0];
        int[] next = new int[0];
        int[] first = new int[0];
        int[] current = new int[0];
        int[] pos = new int[0];
        int[] end = new int[0];
        int blocks;
        int[] counts = new int[0];
        int[] perTrack = new int[0];
        long[] sorted = new long[0];

        /** Room for {@code reads} votes in {@code groups} lists; counts for offsets below {@code range}. */
        void ensure(long reads, int groups, int tracksInIndex, int range) {
            long need = ((reads + BLOCK - 1) / BLOCK + groups + 1) * BLOCK;
            if (need > Integer.MAX_VALUE - 8) {
                throw new MgsvException("a query part of " + reads + " votes does not fit: split the library");
            }
            if (arena.length < need) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, arena.length * 3L / 2) / BLOCK * BLOCK);
                arena = new long[cap];
                next = new int[cap / BLOCK];
            }
            if (first.length < groups) {
                first = new int[groups];
                current = new int[groups];
                pos = new int[groups];
                end = new int[groups];
            }
            Arrays.fill(first, 0, groups, -1);
            Arrays.fill(pos, 0, groups, 0);
            Arrays.fill(end, 0, groups, 0);
            blocks = 0;
            if (counts.length < range) {
                counts = new int[range];
            }
            if (perTrack.length != tracksInIndex + 1) {
                perTrack = new int[tracksInIndex + 1];
            } else {
                Arrays.fill(perTrack, 0);
            }
        }

        /** Appends vote {@code v} of {@code track} to its group's list. */
        void add(int track, long v) {
            int g = track >>> GROUP_BITS;
            int p = pos[g];
            if (p == end[g]) {
                int b = blocks++;
                next[b] = -1;
                if (first[g] < 0) {
                    first[g] = b;
                } else {
                    next[current[g]] = b;
                }
                current[g] = b;
                p = b * BLOCK;
                end[g] = p + BLOCK;
            }
            arena[p] = v;
            pos[g] = p + 1;
            perTrack[track + 1]++;
        }

        long[] ensureSorted(int n) {
            if (sorted.length < n) {
                sorted = new long[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(n, sorted.length * 3L / 2))];
            }
            return sorted;
        }
    }

    /** Scratch arrays not in use by a query (one per part of a query at a time). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Scratch> scratch =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** More votes than this in one query (a library of hundreds of thousands of tracks) is refused. */
    private static final long MAX_VOTES = 1L << 28;

    /**
     * The {@code k} tracks with most votes (each at its best offset), most first; ties go to the lower track
     * number. The votes are gathered hash by hash (what the index stores together, copied a bucket at a time) into
     * per-group lists of {@value #GROUP_SIZE} tracks; each group is then sorted by track (a counting sort that stays in
     * cache) and its tracks' offsets counted in a dense array right away: no hash table as large as the votes, and
     * no pass over all of them with writes scattered to every track. With helper threads, the query's hashes are
     * gathered in parts (runs of hashes with about equal index reads) and the groups sorted and counted in ranges
     * of about equal votes; a track's count does not depend on where its votes were gathered, so the result is the
     * same.
     */
    Vote[] vote(Landmarks.Prints q, int k) {
        long common = config.commonHash() <= 0 ? Long.MAX_VALUE
                : Math.max(COMMON_FLOOR, (long) (config.commonHash() * index.entries() / FingerprintIndex.BUCKETS));
        long hits = 0;
        for (int h : q.hashes()) {
            hits += reads(h, common);
        }
        if (hits == 0) {
            return new Vote[0];
        }
        if (hits > MAX_VOTES) {
            throw new MgsvException("a query of " + q.size() + " landmarks meets " + hits
                    + " index entries (more than " + MAX_VOTES + "): split the library into several indexes");
        }
        int qFrames = 0;
        for (int t : q.times()) {
            qFrames = Math.max(qFrames, t);
        }
        if (qFrames >= 1 << FRAME_BITS) {
            throw new MgsvException("query too long (" + qFrames + " frames, at most " + ((1 << FRAME_BITS) - 1)
                    + "): split it");
        }
        int maxFrame = (1 << index.timeBits()) - 1;
        int bias = qFrames + 1; // offsets (track frame − query frame) + bias are in [1, maxFrame + bias]
        int range = maxFrame + bias + 2;
        // a sustained sound repeats one hash frame after frame, in the query and the track alike: count each
        // (hash, track, offset) once, so such runs cannot pile up votes for a wrong track. The query's landmarks
        // are taken hash by hash, so that "once" is a small set per hash rather than one as large as the votes
        long[] byHash = new long[q.size()];
        for (int i = 0; i < byHash.length; i++) {
            byHash[i] = ((long) q.hashes()[i] << 32) | q.times()[i];
        }
        Arrays.sort(byHash);
        int parts = helpers == null || hits < parallelVotes ? 1 : threads;
        long[] partReads = new long[parts];
        int[] cut = cuts(byHash, parts, hits, common, partReads);
        Scratch[] sc = new Scratch[parts];
        boolean done = false;
        try {
            for (int p = 0; p < parts; p++) {
                Scratch x = scratch.poll();
                sc[p] = x != null ? x : new Scratch();
            }
            int nt = index.size();
            int groups = (nt + GROUP_SIZE - 1) / GROUP_SIZE;
            onParts(parts, p -> {
                sc[p].ensure(partReads[p], groups, nt, range); // a part's votes are at most its index reads
                gather(byHash, cut[p], cut[p + 1], common, bias, sc[p]);
            });
            // where each track's votes go in the sorted array (all parts' votes of a track together)
            int[] start = new int[nt + 1];
            for (int t = 0; t < nt; t++) {
                int c = 0;
                for (Scratch x : sc) {
                    c += x.perTrack[t + 1];
                }
                start[t + 1] = start[t] + c;
            }
            long[] sorted = sc[0].ensureSorted(start[nt]);
            // groups in ranges of about equal votes, one range per part
            int[] groupCut = new int[parts + 1];
            groupCut[parts] = groups;
            for (int p = 1, g = 0; p < parts; p++) {
                long want = (long) start[nt] * p / parts;
                while (g < groups && start[g * GROUP_SIZE] < want) {
                    g++;
                }
                groupCut[p] = g;
            }
            int[] bestOffset = new int[nt];
            TopKHeap[] heaps = new TopKHeap[parts];
            onParts(parts, p -> {
                heaps[p] = new TopKHeap(k); // most votes first, of equal votes the lower track
                int[] fill = new int[GROUP_SIZE];
                for (int g = groupCut[p]; g < groupCut[p + 1]; g++) {
                    int t0 = g * GROUP_SIZE, t1 = Math.min(nt, t0 + GROUP_SIZE);
                    for (int t = t0; t < t1; t++) {
                        fill[t - t0] = start[t];
                    }
                    for (Scratch x : sc) {
                        for (int b = g < x.first.length ? x.first[g] : -1; b >= 0; b = x.next[b]) {
                            int e = x.next[b] < 0 ? x.pos[g] : b * BLOCK + BLOCK;
                            long[] a = x.arena;
                            for (int i = b * BLOCK; i < e; i++) {
                                long v = a[i];
                                sorted[fill[(int) v & (GROUP_SIZE - 1)]++] = v;
                            }
                        }
                    }
                    bestOffsets(t0, t1, start, sorted, sc[p].counts, bias, bestOffset, heaps[p]);
                }
            });
            TopKHeap best = heaps[0];
            for (int p = 1; p < parts; p++) {
                best.addAll(heaps[p]);
            }
            int[] tracks = best.indices(0);
            float[] votes = best.scores(0);
            Vote[] out = new Vote[tracks.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = new Vote();
                out[i].track = tracks[i];
                out[i].votes = (int) votes[i];
                out[i].offset = bestOffset[tracks[i]];
            }
            // where in the query each candidate's agreeing landmarks lie (what the extent grows from), and the
            // candidate's best offset away from its best one (a repeated passage)
            int[] cnt = sc[0].counts;
            for (Vote v : out) {
                int o = v.offset + bias;
                int a = start[v.track], e = start[v.track + 1];
                for (int i = a; i < e; i++) {
                    long s = sorted[i];
                    int so = (int) (s >>> 32);
                    cnt[so]++;
                    if (Math.abs(so - o) <= 1) {
                        int f = (int) s >>> GROUP_BITS;
                        v.agreeFirst = v.agreeFirst < 0 ? f : Math.min(v.agreeFirst, f);
                        v.agreeLast = Math.max(v.agreeLast, f);
                    }
                }
                alternatives(v, sorted, a, e, cnt, bias);
                for (int i = a; i < e; i++) {
                    cnt[(int) (sorted[i] >>> 32)] = 0;
                }
            }
            done = true;
            return out;
        } finally {
            // after a failure the count arrays may hold stale counts: such scratch is dropped, not reused
            for (int p = 0; p < parts && done; p++) {
                scratch.offer(sc[p]);
            }
        }
    }

    /** An offset's count with its larger neighbour's (frame jitter splits a match between two offsets). */
    private static int peak(int[] cnt, int o) {
        return cnt[o] + Math.max(cnt[o - 1], cnt[o + 1]);
    }

    /** The better integer offset of a peak at {@code o}: the neighbour with more votes, if one has. */
    private static int nearer(int[] cnt, int o) {
        return cnt[o + 1] > cnt[o] ? o + 1 : cnt[o - 1] > cnt[o] ? o - 1 : o;
    }

    /**
     * Fills {@code v}'s alternative offsets from its votes {@code sorted[a..e)}, counted by offset in {@code cnt}
     * (offsets biased by {@code bias}): the peaks of the offset counts (a count with its larger neighbour) apart from
     * the best offset and from each other, most votes first.
     */
    private static void alternatives(Vote v, long[] sorted, int a, int e, int[] cnt, int bias) {
        int[] offs = new int[ALTERNATIVES], ns = new int[ALTERNATIVES];
        int found = 0;
        int[] taken = new int[ALTERNATIVES + 1];
        taken[0] = v.offset + bias;
        for (int k = 0; k < ALTERNATIVES; k++) {
            int bestN = 0, bestO = 0;
            for (int i = a; i < e; i++) {
                int so = (int) (sorted[i] >>> 32);
                int n = peak(cnt, so);
                if (n < bestN || (n == bestN && so >= bestO)) {
                    continue;
                }
                boolean apart = true;
                for (int j = 0; j <= k && apart; j++) {
                    apart = Math.abs(so - taken[j]) >= ALT_SEPARATION;
                }
                if (apart) {
                    bestN = n;
                    bestO = so;
                }
            }
            if (bestN == 0) {
                break;
            }
            taken[k + 1] = bestO;
            offs[found] = nearer(cnt, bestO) - bias;
            ns[found++] = bestN;
        }
        v.altOffsets = Arrays.copyOf(offs, found);
        v.altVotes = Arrays.copyOf(ns, found);
    }

    /** Votes below this many index reads are gathered on one thread (handing off costs more than it saves). */
    static final long PARALLEL_VOTES = 50_000;

    /** Runs {@code task} for parts 0..parts-1: part 0 on the caller, the others on the helpers; waits for all. */
    private void onParts(int parts, java.util.function.IntConsumer task) {
        List<Future<?>> fs = new ArrayList<>();
        for (int p = 1; p < parts; p++) {
            int part = p;
            fs.add(helpers.submit(() -> task.accept(part)));
        }
        task.accept(0);
        for (Future<?> f : fs) {
            Parallel.join(f);
        }
    }

    /** Index entries a query hash reads: its bucket, or none when the bucket is too common to vote. */
    private long reads(int h, long common) {
        long b = index.bucketEnd(h) - index.bucketStart(h);
        return b <= common ? b : 0;
    }

    /**
     * Boundaries of {@code parts} runs of the sorted (hash, frame) list with about equal index reads, each at a
     * change of hash (so a hash's duplicate check stays within one part); each run's reads into {@code partReads}.
     */
    private int[] cuts(long[] byHash, int parts, long hits, long common, long[] partReads) {
        int[] cut = new int[parts + 1];
        long[] before = new long[parts + 1]; // reads before each boundary
        cut[parts] = byHash.length;
        before[parts] = hits;
        long acc = 0;
        int p = 1;
        for (int i = 0; i < byHash.length && p < parts; ) {
            int h = (int) (byHash[i] >>> 32);
            long b = reads(h, common);
            for (; i < byHash.length && (int) (byHash[i] >>> 32) == h; i++) {
                acc += b;
            }
            while (p < parts && acc >= hits * p / parts) {
                before[p] = acc;
                cut[p++] = i;
            }
        }
        while (p < parts) {
            before[p] = hits;
            cut[p++] = byHash.length;
        }
        for (int k = 0; k < parts; k++) {
            partReads[k] = before[k + 1] - before[k];
        }
        return cut;
    }

    /** The votes of the hashes byHash[from..to) into {@code sc}'s group lists. */
    private void gather(long[] byHash, int from, int to, long common, int bias, Scratch sc) {
        int timeBits = index.timeBits();
        int frameMask = (1 << timeBits) - 1;
        int[] times = new int[to - from];
        int[] bucket = new int[0];
        SmallSet seen = new SmallSet();
        for (int i = from; i < to; ) {
            int h = (int) (byHash[i] >>> 32);
            int m = 0;
            for (; i < to && (int) (byHash[i] >>> 32) == h; i++) {
                int tq = (int) byHash[i];
                if (m == 0 || times[m - 1] != tq) {
                    times[m++] = tq;
                }
            }
            long size = index.bucketEnd(h) - index.bucketStart(h);
            if (size > common || size == 0) {
                continue;
            }
            if (bucket.length < size) {
                bucket = new int[(int) Math.max(size, bucket.length * 2L)];
            }
            int n = index.copyBucket(h, bucket);
            if (m == 1) {
                // one query frame needs no set: an index holds each (hash, track, anchor frame) once (a track's
                // landmarks with one anchor and one hash share their target peak), so those votes are distinct
                long tq = times[0];
                long low = tq << GROUP_BITS;
                long hi = (long) bias - tq;
                for (int e = 0; e < n; e++) {
                    int en = bucket[e];
                    int track = en >>> timeBits;
                    sc.add(track, ((hi + (en & frameMask)) << 32) | low | (track & (GROUP_SIZE - 1)));
                }
                continue;
            }
            // a bucket lists tracks in ascending order, so (track, offset) repeats only within one track's run
            // of entries: a set per run is small. An index not in that order is checked with one set for all
            boolean ordered = true;
            for (int e = 1; e < n && ordered; e++) {
                ordered = bucket[e] >>> timeBits >= bucket[e - 1] >>> timeBits;
            }
            if (!ordered) {
                seen.reset((long) n * m);
            }
            for (int e = 0; e < n; ) {
                int track = bucket[e] >>> timeBits;
                int runEnd = e + 1;
                if (ordered) {
                    while (runEnd < n && bucket[runEnd] >>> timeBits == track) {
                        runEnd++;
                    }
                } else {
                    runEnd = n;
                }
                boolean one = ordered && runEnd - e == 1;
                if (ordered && !one) {
                    seen.reset((long) (runEnd - e) * m);
                }
                for (; e < runEnd; e++) {
                    int en = bucket[e];
                    int tr = en >>> timeBits;
                    int tt = en & frameMask;
                    for (int j = 0; j < m; j++) {
                        int off = tt - times[j] + bias;
                        if (one || seen.add(((long) tr << 32) | off)) {
                            sc.add(tr, ((long) off << 32) | ((long) times[j] << GROUP_BITS) | (tr & (GROUP_SIZE - 1)));
                        }
                    }
                }
            }
        }
    }

    /** Each track of [from, to)'s best offset (a count with its better neighbour) into bestOffset and heap. */
    private static void bestOffsets(int from, int to, int[] start, long[] sorted, int[] cnt, int bias,
            int[] bestOffset, TopKHeap heap) {
        for (int t = from; t < to; t++) {
            int a = start[t], b = start[t + 1];
            if (a == b) {
                continue;
            }
            for (int i = a; i < b; i++) {
                cnt[(int) (sorted[i] >>> 32)]++;
            }
            int bestN = 0, bestOff = 0;
            for (int i = a; i < b; i++) {
                int o = (int) (sorted[i] >>> 32);
                int v = peak(cnt, o);
                if (v > bestN || (v == bestN && (cnt[o] > cnt[bestOff] || (cnt[o] == cnt[bestOff] && o < bestOff)))) {
                    bestN = v;
                    bestOff = o;
                }
            }
            int off = nearer(cnt, bestOff);
            for (int i = a; i < b; i++) {
                cnt[(int) (sorted[i] >>> 32)] = 0;
            }
            bestOffset[t] = off - bias;
            heap.offer(bestN, t); // vote counts are far below 2^24: exact as floats
        }
    }
    /** Open-addressing set of longs, emptied in O(1) by a generation stamp (one per hash of a query). */
    static final class SmallSet {
        private long[] keys = new long[64];
        private int[] stamp = new int[64];
        private int mask = 63;
        private int generation = 1;

        /** Empties the set, with room for {@code n} keys. */
        void reset(long n) {
            if (2 * n > keys.length) {
                int cap = Integer.highestOneBit((int) Math.min(1 << 30, 2 * n)) << 1;
                keys = new long[cap];
                stamp = new int[cap];
                mask = cap - 1;
                generation = 0;
            }
            if (++generation == 0) {
                Arrays.fill(stamp, 0);
                generation = 1;
            }
        }

        /** Adds {@code k}; false when present. */
        boolean add(long k) {
            int s = (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
            while (stamp[s] == generation) {
                if (keys[s] == k) {
                    return false;
                }
                s = (s + 1) & mask;
            }
            stamp[s] = generation;
            keys[s] = k;
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------- refinement

    /** Sub-frame offset (track sample − query sample) from onset-envelope cross-correlation around {@code coarse}. */
    static double refine(QueryAnalysis qa, float[] track, long coarse) {
        return refine(qa, track, coarse, null);
    }

    /** {@link #refine(QueryAnalysis, float[], long)} with the track's onsets shared with {@code side} (null: none). */
    static double refine(QueryAnalysis qa, float[] track, long coarse, ExecutorService side) {
        float[][] eq = qa.onsets();
        int frames = eq.length;
        if (frames < 4 * FINE_LAGS) {
            return coarse;
        }
        float[][] et = onsets(track, coarse - (long) FINE_LAGS * FINE_HOP, frames + 2 * FINE_LAGS, side);
        double[] score = new double[2 * FINE_LAGS + 1];
        for (int b = 0; b < FINE_BANDS; b++) {
            double mq = 0;
            for (int i = 0; i < frames; i++) {
                mq += eq[i][b];
            }
            mq /= frames;
            for (int l = -FINE_LAGS; l <= FINE_LAGS; l++) {
                double s = 0, mt = 0;
                for (int i = 0; i < frames; i++) {
                    mt += et[i + l + FINE_LAGS][b];
                }
                mt /= frames;
                double sqq = 0, stt = 0;
                for (int i = 0; i < frames; i++) {
                    double a = eq[i][b] - mq, c = et[i + l + FINE_LAGS][b] - mt;
                    s += a * c;
                    sqq += a * a;
                    stt += c * c;
                }
                score[l + FINE_LAGS] += sqq > 0 && stt > 0 ? s / Math.sqrt(sqq * stt) : 0;
            }
        }
        int best = 0;
        for (int i = 1; i < score.length; i++) {
            if (score[i] > score[best]) {
                best = i;
            }
        }
        double delta = 0;
        if (best > 0 && best < score.length - 1) {
            double a = score[best - 1], b = score[best], c = score[best + 1];
            double den = a - 2 * b + c;
            if (den < 0) {
                delta = Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / den));
            }
        }
        return coarse + (best - FINE_LAGS + delta) * FINE_HOP;
    }

    /**
     * {@link #onsets(float[], long, int)} of {@code frames} frames, the later half on {@code side} (null: all here):
     * each frame is analysed alone and differenced with the one before, so the later half starts a frame early and
     * the halves put together are the frames analysed at once.
     */
    static float[][] onsets(float[] x, long start, int frames, ExecutorService side) {
        if (side == null || frames < 64) {
            return onsets(x, start, frames);
        }
        int h = frames / 2;
        Future<float[][]> later = side.submit(() -> onsets(x, start + (long) (h - 1) * FINE_HOP, frames - h + 1));
        float[][] out = Arrays.copyOf(onsets(x, start, h), frames);
        System.arraycopy(Parallel.join(later), 1, out, h, frames - h);
        return out;
    }

    /** Positive log-energy differences in {@link #FINE_BANDS} bands, frames from sample {@code start}. */
    static float[][] onsets(float[] x, long start, int frames) {
        float[][] s = Landmarks.powerSpectrogram(x, FINE_N, FINE_HOP, start, frames);
        int n = s.length;
        float[][] out = new float[n][FINE_BANDS];
        int lo = 2, hi = FINE_N / 2 - 8; // ≈ 86 Hz .. 5.2 kHz
        float[] prev = null;
        float[] cur = new float[FINE_BANDS];
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < FINE_BANDS; b++) {
                int a = lo + (hi - lo) * b / FINE_BANDS, e = lo + (hi - lo) * (b + 1) / FINE_BANDS;
                double sum = 0;
                for (int k = a; k < e; k++) {
                    sum += s[t][k];
                }
                cur[b] = (float) Math.log(sum / (e - a) + 1e-9);
            }
            if (prev != null) {
                for (int b = 0; b < FINE_BANDS; b++) {
                    out[t][b] = Math.max(0f, cur[b] - prev[b]);
                }
            } else {
                prev = new float[FINE_BANDS];
            }
            System.arraycopy(cur, 0, prev, 0, FINE_BANDS);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------- extent

    /**
     * First and last query frame (fractional: where the smoothed similarity crosses the threshold) where the
     * aligned track is heard, and the frame count.
     */
    double[] extent(QueryAnalysis qa, float[] track, double offsetSamples, Vote v, double[] contrast,
            ExecutorService side) {
        float[][] sq = qa.spectrum();
        int frames = sq.length;
        if (frames == 0) {
            contrast[0] = 0;
            return new double[] {0, 0, 0};
        }
        long start = Math.round(offsetSamples);
        // the aligned copy and the misaligned one NULL_SHIFT frames later lie on one frame grid: one spectrogram of
        // frames + NULL_SHIFT frames holds both (its later half on the side thread, if any)
        int all = frames + NULL_SHIFT, h = all / 2;
        Future<float[][]> later = side == null ? null : side.submit(() -> Landmarks.logSpectrogram(track,
                Landmarks.NFFT, Landmarks.HOP, start + (long) h * Landmarks.HOP, all - h));
        float[][] both = later == null ? Landmarks.logSpectrogram(track, Landmarks.NFFT, Landmarks.HOP, start, all)
                : Landmarks.logSpectrogram(track, Landmarks.NFFT, Landmarks.HOP, start, h);
        if (later != null) {
            float[][] rest = Parallel.join(later);
            both = Arrays.copyOf(both, all);
            System.arraycopy(rest, 0, both, h, all - h);
        }
        float[][] st = Arrays.copyOfRange(both, 0, frames);
        float[][] sn = new float[frames][];
        for (int i = 0; i < frames; i++) {
            sn[i] = both[NULL_SHIFT + i].clone(); // whitened apart from the aligned copy, which shares rows
        }
        whiten(st);
        whiten(sn);
        double[] sim = smooth(similarity(sq, st));
        double[] nul = smooth(similarity(sq, sn));
        int lo = v.agreeFirst < 0 ? 0 : Math.min(frames - 1, v.agreeFirst);
        int hi = v.agreeLast < 0 ? frames - 1 : Math.min(frames - 1, v.agreeLast + Landmarks.MAX_DT / 2);
        double[] core = Arrays.copyOfRange(sim, lo, hi + 1);
        double coreLevel = median(core);
        double nullLevel = median(nul);
        double thr = nullLevel + 0.5 * (coreLevel - nullLevel);
        contrast[0] = coreLevel - nullLevel;
        int maxGap = (int) Math.round(1.0 / Landmarks.FRAME_SECONDS);
        // grow left from the first agreeing frame, bridging short dips
        int first = lo;
        int gap = 0;
        for (int t = lo - 1; t >= 0 && gap <= maxGap; t--) {
            if (sim[t] >= thr) {
                first = t;
                gap = 0;
            } else {
                gap++;
            }
        }
        int last = hi;
        gap = 0;
        for (int t = hi + 1; t < frames && gap <= maxGap; t++) {
            if (sim[t] >= thr) {
                last = t;
                gap = 0;
            } else {
                gap++;
            }
        }
        // shrink the ends of the core that are below the threshold (the voted frames are landmark anchors)
        while (first < last && sim[first] < thr) {
            first++;
        }
        while (last > first && sim[last] < thr) {
            last--;
        }
        // a box-smoothed step crosses the midpoint at the step: interpolate between the frames around it
        double a = first, b = last;
        if (first > 0 && sim[first - 1] < thr && sim[first] > sim[first - 1]) {
            a = first - (sim[first] - thr) / (sim[first] - sim[first - 1]);
        }
        if (last < frames - 1 && sim[last + 1] < thr && sim[last] > sim[last + 1]) {
            b = last + (sim[last] - thr) / (sim[last] - sim[last + 1]);
        }
        return new double[] {a, b, frames};
    }

    /** Removes each bin's mean over the frames that are not silent. */
    private static void whiten(float[][] s) {
        if (s.length == 0) {
            return;
        }
        int bins = s[0].length;
        double[] mean = new double[bins];
        for (float[] r : s) {
            for (int k = SIM_LO; k < SIM_HI; k++) {
                mean[k] += r[k];
            }
        }
        for (float[] r : s) {
            for (int k = SIM_LO; k < SIM_HI; k++) {
                r[k] -= (float) (mean[k] / s.length);
            }
        }
    }

    private static double[] similarity(float[][] a, float[][] b) {
        double[] out = new double[a.length];
        int n = SIM_HI - SIM_LO;
        for (int t = 0; t < a.length; t++) {
            double ma = 0, mb = 0;
            for (int k = SIM_LO; k < SIM_HI; k++) {
                ma += a[t][k];
                mb += b[t][k];
            }
            ma /= n;
            mb /= n;
            double sab = 0, saa = 0, sbb = 0;
            for (int k = SIM_LO; k < SIM_HI; k++) {
                double x = a[t][k] - ma, y = b[t][k] - mb;
                sab += x * y;
                saa += x * x;
                sbb += y * y;
            }
            out[t] = saa > 1e-9 && sbb > 1e-9 ? sab / Math.sqrt(saa * sbb) : 0;
        }
        return out;
    }

    private static double[] smooth(double[] x) {
        double[] p = new double[x.length + 1];
        for (int i = 0; i < x.length; i++) {
            p[i + 1] = p[i] + x[i];
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int a = Math.max(0, i - SMOOTH), b = Math.min(x.length, i + SMOOTH + 1);
            out[i] = (p[b] - p[a]) / (b - a);
        }
        return out;
    }

    private static double median(double[] x) {
        if (x.length == 0) {
            return 0;
        }
        double[] a = x.clone();
        Arrays.sort(a);
        return a[a.length / 2];
    }
}
