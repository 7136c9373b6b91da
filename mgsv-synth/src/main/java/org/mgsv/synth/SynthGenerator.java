package org.mgsv.synth;

import java.util.SplittableRandom;

/**
 * The generative model of the synthetic MGSV-EC benchmark: it renders the frame and music features of a
 * {@link SynthPlan}.
 *
 * <h2>Model</h2>
 * <ol>
 *   <li><b>Latent trajectories.</b> Each track m has a latent mood trajectory z_m(t) ∈ R^D (D =
 *       {@code latentDim}), piecewise linear between control points every 2.5 s ({@link LatentTrack}). The track
 *       is cut into sections of {@code sectionMinSec}–{@code sectionMaxSec} s; a section has a type = a mood vector (from a palette of
 *       {@code paletteSize} moods shared by all tracks, with probability {@code paletteShare}) plus a smooth
 *       AR(1) motif. Sections repeat earlier types with probability {@code repeatRate} (with
 *       {@code repeatJitter} of fresh noise), so a track contains look-alike places. A share {@code versionRate}
 *       of the tracks are near-duplicates (versions) of another track: the same trajectory plus
 *       {@code versionJitter} noise, with their own timbre.</li>
 *   <li><b>Music features.</b> Window s (centre c = 2.5·s, valid iff c ≤ duration) of track m:
 *       y = f_m(mean of z_m over [c−5, c+5] + windowLatentNoise·e) + timbreStrength·τ_m + musicNoise·ε, with τ_m ~ N(0, I) fixed per
 *       track. Padded windows are zero.</li>
 *   <li><b>Frame features.</b> A video of length L cut to the moment [s, s+L] of its track: frame i (video second
 *       i, valid for i ≤ min(⌊video_end⌋, 49)) sees z = z_m(s + i − video_start) + frameLatentNoise·e_i (e an
 *       AR(1) process over the frames, coefficient 0.5, unit variance); x = f_v(z) + styleStrength·σ_v + videoNoise·ε, with the per-video style σ_v = √a·κ_cat + √(1−a)·ν_v
 *       (a = {@code categoryStyleShare}, κ a per-category vector, ν per video). Padded frames are zero.</li>
 *   <li>f_v: R^D → R^512 and f_m: R^D → R^768 are independent random tanh MLPs ({@link RandomMlp}).</li>
 * </ol>
 *
 * <h2>Why it is learnable but not trivial</h2>
 * The video and its track share the latent trajectory only through two unknown non-linear maps, under noise,
 * style and timbre offsets. A single frame shows one mood, which many tracks contain (shared palette), at many
 * places (repeated sections): only the sequence of moods over the video identifies the track and the moment,
 * and music windows summarise 10 s while frames are instants. Moment positions follow the real MGSV-EC
 * distribution and are independent of the content, so the music alone or the video alone only gives the position
 * prior; beating the "start 0" prior needs both. {@link SynthOracle} measures this with the maps known.
 */
public final class SynthGenerator {
    /** Frame slots of a video feature file (F). */
    public static final int FRAME_SLOTS = 50;
    /** Music window slots of a music feature file (S). */
    public static final int MUSIC_SLOTS = 96;
    public static final int FRAME_DIM = 512;
    public static final int MUSIC_DIM = 768;
    /** AR(1) coefficient of the per-frame latent noise from one second to the next. */
    static final double FRAME_JITTER_AR = 0.5;

    private final SynthConfig config;
    private final SynthPlan plan;
    private final RandomMlp videoMap;
    private final RandomMlp musicMap;
    private final float[][] categoryStyle;
    private final LatentTrack[] latents;

    public SynthGenerator(SynthPlan plan) {
        this.plan = plan;
        this.config = plan.config();
        SynthConfig c = config;
        int d = c.latentDim();
        double latentVariance = 1.0 + c.motifStrength() * c.motifStrength();
        SplittableRandom maps = Streams.of(c.seed(), Streams.MAPS, 0);
        videoMap = new RandomMlp(maps, d, c.hiddenDim(), FRAME_DIM, latentVariance);
        musicMap = new RandomMlp(maps, d, c.hiddenDim(), MUSIC_DIM, latentVariance);
        SplittableRandom pal = Streams.of(c.seed(), Streams.PALETTE, 0);
        float[][] palette = new float[c.paletteSize()][];
        for (int i = 0; i < palette.length; i++) {
            palette[i] = LatentTrack.gaussian(pal, d);
        }
        SplittableRandom cs = Streams.of(c.seed(), Streams.CATEGORY_STYLE, 0);
        categoryStyle = new float[EcDistributions.CATEGORIES.length][];
        for (int i = 0; i < categoryStyle.length; i++) {
            categoryStyle[i] = LatentTrack.gaussian(cs, FRAME_DIM);
        }
        latents = new LatentTrack[plan.tracks().size()];
        for (SynthPlan.Track t : plan.tracks()) {
            SplittableRandom r = Streams.of(c.seed(), Streams.TRACK_LATENT, t.index());
            latents[t.index()] = t.parent() >= 0
                    ? LatentTrack.versionOf(latents[t.parent()], r, c.versionJitter())
                    : LatentTrack.draw(r, t.durationMs() / 1000.0, c, palette);
        }
    }

    public SynthPlan plan() {
        return plan;
    }

    public SynthConfig config() {
        return config;
    }

    public LatentTrack latent(int track) {
        return latents[track];
    }

    /** The frame map f_v (for oracles and tests). */
    public RandomMlp videoMap() {
        return videoMap;
    }

    /** The music map f_m (for oracles and tests). */
    public RandomMlp musicMap() {
        return musicMap;
    }

    /** Features [rows, dim] row-major plus mask [rows] (1 = valid). */
    public record Features(float[] values, float[] mask, int rows, int dim) {
        public int valid() {
            int n = 0;
            for (float m : mask) {
                n += m > 0 ? 1 : 0;
            }
            return n;
        }
    }

    /** Music time (s) that frame slot {@code i} of the row's video shows. */
    public static double frameMusicTime(SynthPlan.Row row, int i) {
        double vStart = row.videoStartMs() / 1000.0;
        double t = Math.floor(vStart) + i;
        return row.musicStartMs() / 1000.0 + Math.max(0.0, t - vStart);
    }

    /** The [50, 512] frame features and [50] mask of a row's video. */
    public Features videoFeatures(SynthPlan.Row row) {
        SynthConfig c = config;
        int d = c.latentDim();
        SplittableRandom rng = Streams.of(c.seed(), Streams.VIDEO_FEATURES, row.serial());
        float[] style = new float[FRAME_DIM];
        int cat = categoryIndex(row.category());
        double a = Math.sqrt(c.categoryStyleShare());
        double b = Math.sqrt(1 - c.categoryStyleShare());
        for (int k = 0; k < FRAME_DIM; k++) {
            style[k] = (float) (c.styleStrength() * (a * categoryStyle[cat][k] + b * rng.nextGaussian()));
        }
        int n = row.validFrames();
        float[] x = new float[FRAME_SLOTS * FRAME_DIM];
        float[] mask = new float[FRAME_SLOTS];
        float[] z = new float[d];
        float[] h = new float[videoMap.hiddenDim()];
        LatentTrack lt = latents[row.track()];
        float[] jitter = new float[d];
        double innov = Math.sqrt(1 - FRAME_JITTER_AR * FRAME_JITTER_AR);
        for (int k = 0; k < d; k++) {
            jitter[k] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            mask[i] = 1f;
            lt.at(frameMusicTime(row, i), z, 0);
            for (int k = 0; k < d; k++) {
                if (i > 0) {
                    jitter[k] = (float) (FRAME_JITTER_AR * jitter[k] + innov * rng.nextGaussian());
                }
                z[k] += (float) (c.frameLatentNoise() * jitter[k]);
            }
            int off = i * FRAME_DIM;
            for (int k = 0; k < FRAME_DIM; k++) {
                x[off + k] = style[k] + (float) (c.videoNoise() * rng.nextGaussian());
            }
            videoMap.addTo(z, 0, h, x, off);
        }
        return new Features(x, mask, FRAME_SLOTS, FRAME_DIM);
    }

    /** The [96, 768] window features and [96] mask of a track. */
    public Features musicFeatures(int track) {
        SynthConfig c = config;
        int d = c.latentDim();
        SplittableRandom rng = Streams.of(c.seed(), Streams.TRACK_FEATURES, track);
        float[] timbre = new float[MUSIC_DIM];
        for (int k = 0; k < MUSIC_DIM; k++) {
            timbre[k] = (float) (c.timbreStrength() * rng.nextGaussian());
        }
        int n = plan.track(track).validWindows();
        float[] y = new float[MUSIC_SLOTS * MUSIC_DIM];
        float[] mask = new float[MUSIC_SLOTS];
        float[] z = new float[d];
        float[] h = new float[musicMap.hiddenDim()];
        LatentTrack lt = latents[track];
        for (int s = 0; s < n; s++) {
            mask[s] = 1f;
            lt.windowMean(s * LatentTrack.STEP, z, 0);
            for (int k = 0; k < d; k++) {
                z[k] += (float) (c.windowLatentNoise() * rng.nextGaussian());
            }
            int off = s * MUSIC_DIM;
            for (int k = 0; k < MUSIC_DIM; k++) {
                y[off + k] = timbre[k] + (float) (c.musicNoise() * rng.nextGaussian());
            }
            musicMap.addTo(z, 0, h, y, off);
        }
        return new Features(y, mask, MUSIC_SLOTS, MUSIC_DIM);
    }

    private static int categoryIndex(String category) {
        for (int i = 0; i < EcDistributions.CATEGORIES.length; i++) {
            if (EcDistributions.CATEGORIES[i].equals(category)) {
                return i;
            }
        }
        return 0;
    }
}
