package org.mgsv.synth;

import org.mgsv.core.MgsvException;

/**
 * Everything that determines a synthetic MGSV-EC benchmark: split sizes, seed, and the difficulty knobs of the
 * generative model described in {@link SynthGenerator}. The same configuration always produces the same files.
 *
 * <h2>Split structure</h2>
 * <ul>
 *   <li>{@code trainVideos} videos over {@code trainTracks} tracks (0 = scale the real ratio, 49,194 videos over
 *       3,496 tracks, i.e. about 14 videos per track, heavy-tailed); train videos of one track share a moment
 *       with probability {@code momentReuse} (the real train split has 31,660 moments for 49,194 videos).</li>
 *   <li>val and test: one track per video, as in the real splits; a share {@code valTestCommon} of the tracks is
 *       common to val and test (1,893 of 2,000 in the real data) and a share {@code evalInTrain} of the val ∪ test
 *       tracks also occurs in train (1,553 of 2,107).</li>
 * </ul>
 *
 * <h2>Difficulty knobs</h2>
 * <ul>
 *   <li>{@code latentDim}: dimension D of the latent mood trajectory z(t); {@code hiddenDim}: width of the
 *       random tanh MLPs that map it to the 512-d frame and 768-d music features.</li>
 *   <li>{@code paletteSize}, {@code paletteShare}: section moods are drawn from a palette shared by all tracks
 *       with probability {@code paletteShare} (so a single frame's mood fits many tracks), else made up.</li>
 *   <li>{@code sectionMinSec}, {@code sectionMaxSec}: section lengths; {@code repeatRate}: probability that a
 *       section repeats an earlier section of its track (chorus-like distractors), {@code repeatJitter}: how much
 *       a repetition differs from the original.</li>
 *   <li>{@code smoothness}: AR(1) coefficient of the within-section motif between 2.5-s control points (closer to
 *       1 = smoother, less temporal detail); {@code motifStrength}: motif amplitude relative to the section
 *       mood.</li>
 *   <li>{@code versionRate}, {@code versionJitter}: share of tracks that are near-duplicates (another version)
 *       of an earlier track, and how far they differ.</li>
 *   <li>{@code frameLatentNoise}, {@code windowLatentNoise}: noise added to z before the maps, per frame (an
 *       AR(1) process over the video's seconds, coefficient 0.5) and per music window: what keeps a single frame
 *       from pinning down its track, while the mean over many frames still does.</li>
 *   <li>{@code videoNoise}, {@code musicNoise}: per-frame / per-window Gaussian noise in feature space (relative
 *       to a unit-rms signal); {@code styleStrength}: per-video constant style offset (shared in part by the category,
 *       {@code categoryStyleShare}); {@code timbreStrength}: per-track constant offset of the music features.</li>
 * </ul>
 */
public record SynthConfig(
        int trainVideos,
        int valVideos,
        int testVideos,
        int trainTracks,
        long seed,
        int latentDim,
        int hiddenDim,
        int paletteSize,
        double paletteShare,
        double sectionMinSec,
        double sectionMaxSec,
        double repeatRate,
        double repeatJitter,
        double smoothness,
        double motifStrength,
        double versionRate,
        double versionJitter,
        double videoNoise,
        double musicNoise,
        double frameLatentNoise,
        double windowLatentNoise,
        double styleStrength,
        double categoryStyleShare,
        double timbreStrength,
        double momentReuse,
        double valTestCommon,
        double evalInTrain) {

    /** Format version of the generator: bump when the same configuration would produce different files. */
    public static final int GENERATOR_VERSION = 1;

    public SynthConfig {
        check(trainVideos >= 1, "train videos must be at least 1, got " + trainVideos);
        check(valVideos >= 1, "val videos must be at least 1, got " + valVideos);
        check(testVideos >= 1, "test videos must be at least 1, got " + testVideos);
        check(trainTracks >= 0 && trainTracks <= trainVideos,
                "train tracks must be in [0 (auto), train videos = " + trainVideos + "], got " + trainTracks);
        check(latentDim >= 1 && latentDim <= 256, "latent dim must be in [1, 256], got " + latentDim);
        check(hiddenDim >= latentDim && hiddenDim <= 512,
                "hidden dim must be in [latent dim, 512], got " + hiddenDim);
        check(paletteSize >= 1, "palette size must be at least 1, got " + paletteSize);
        unit(paletteShare, "palette share");
        check(sectionMinSec >= 2.5 && sectionMaxSec >= sectionMinSec,
                "sections must be at least 2.5 s with min <= max, got " + sectionMinSec + ".." + sectionMaxSec);
        unit(repeatRate, "repeat rate");
        check(repeatJitter >= 0, "repeat jitter must be >= 0, got " + repeatJitter);
        check(smoothness >= 0 && smoothness < 1, "smoothness must be in [0, 1), got " + smoothness);
        check(motifStrength >= 0, "motif strength must be >= 0, got " + motifStrength);
        unit(versionRate, "version rate");
        check(versionJitter >= 0, "version jitter must be >= 0, got " + versionJitter);
        check(videoNoise >= 0 && musicNoise >= 0 && frameLatentNoise >= 0 && windowLatentNoise >= 0,
                "noise levels must be >= 0");
        check(styleStrength >= 0 && timbreStrength >= 0, "style and timbre strengths must be >= 0");
        unit(categoryStyleShare, "category style share");
        unit(momentReuse, "moment reuse");
        unit(valTestCommon, "val/test common track share");
        unit(evalInTrain, "eval-in-train track share");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new MgsvException("synth configuration: " + message);
        }
    }

    private static void unit(double v, String name) {
        check(v >= 0 && v <= 1, name + " must be in [0, 1], got " + v);
    }

    /** The default difficulty at the given split sizes (seed 42, tracks scaled as in the real train split). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The quickstart benchmark: 3,000 / 300 / 300 videos (about 210 train tracks). It generates in seconds and
     * a small MaDe trained for minutes on a laptop learns it well beyond the "start 0" and random baselines.
     */
    public static SynthConfig quickstart() {
        return builder().build();
    }

    /** The real MGSV-EC split sizes: 49,194 / 2,000 / 2,000 videos over 3,496 / 2,000 / 2,000 tracks. */
    public static SynthConfig referenceScale() {
        return builder()
                .trainVideos(EcDistributions.REAL_TRAIN_VIDEOS)
                .valVideos(EcDistributions.REAL_EVAL_VIDEOS)
                .testVideos(EcDistributions.REAL_EVAL_VIDEOS)
                .trainTracks(EcDistributions.REAL_TRAIN_TRACKS)
                .build();
    }

    /** {@code trainTracks}, or the real videos-per-track ratio applied to {@code trainVideos} when it is 0. */
    public int effectiveTrainTracks() {
        if (trainTracks > 0) {
            return trainTracks;
        }
        long t = Math.round((double) trainVideos * EcDistributions.REAL_TRAIN_TRACKS / EcDistributions.REAL_TRAIN_VIDEOS);
        return (int) Math.max(1, Math.min(trainVideos, t));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Fluent builder; starts from the quickstart defaults. */
    public static final class Builder {
        private int trainVideos = 3000;
        private int valVideos = 300;
        private int testVideos = 300;
        private int trainTracks = 0;
        private long seed = 42;
        private int latentDim = 8;
        private int hiddenDim = 64;
        private int paletteSize = 24;
        private double paletteShare = 0.75;
        private double sectionMinSec = 10;
        private double sectionMaxSec = 30;
        private double repeatRate = 0.35;
        private double repeatJitter = 0.25;
        private double smoothness = 0.7;
        private double motifStrength = 0.8;
        private double versionRate = 0.1;
        private double versionJitter = 0.3;
        private double videoNoise = 0.4;
        private double musicNoise = 0.3;
        private double frameLatentNoise = 0.9;
        private double windowLatentNoise = 0.3;
        private double styleStrength = 0.4;
        private double categoryStyleShare = 0.5;
        private double timbreStrength = 0.4;
        private double momentReuse = 1.0
                - (double) (EcDistributions.REAL_TRAIN_MOMENTS - EcDistributions.REAL_TRAIN_TRACKS)
                        / (EcDistributions.REAL_TRAIN_VIDEOS - EcDistributions.REAL_TRAIN_TRACKS);
        private double valTestCommon = (double) EcDistributions.REAL_VAL_TEST_COMMON_TRACKS / EcDistributions.REAL_EVAL_VIDEOS;
        private double evalInTrain = (double) (EcDistributions.REAL_TRAIN_TRACKS
                        + 2 * EcDistributions.REAL_EVAL_VIDEOS - EcDistributions.REAL_VAL_TEST_COMMON_TRACKS
                        - EcDistributions.REAL_ALL_TRACKS)
                / (2 * EcDistributions.REAL_EVAL_VIDEOS - EcDistributions.REAL_VAL_TEST_COMMON_TRACKS);

        Builder() {}

        Builder(SynthConfig c) {
            trainVideos = c.trainVideos;
            valVideos = c.valVideos;
            testVideos = c.testVideos;
            trainTracks = c.trainTracks;
            seed = c.seed;
            latentDim = c.latentDim;
            hiddenDim = c.hiddenDim;
            paletteSize = c.paletteSize;
            paletteShare = c.paletteShare;
            sectionMinSec = c.sectionMinSec;
            sectionMaxSec = c.sectionMaxSec;
            repeatRate = c.repeatRate;
            repeatJitter = c.repeatJitter;
            smoothness = c.smoothness;
            motifStrength = c.motifStrength;
            versionRate = c.versionRate;
            versionJitter = c.versionJitter;
            videoNoise = c.videoNoise;
            musicNoise = c.musicNoise;
            frameLatentNoise = c.frameLatentNoise;
            windowLatentNoise = c.windowLatentNoise;
            styleStrength = c.styleStrength;
            categoryStyleShare = c.categoryStyleShare;
            timbreStrength = c.timbreStrength;
            momentReuse = c.momentReuse;
            valTestCommon = c.valTestCommon;
            evalInTrain = c.evalInTrain;
        }

        public Builder trainVideos(int v) { trainVideos = v; return this; }
        public Builder valVideos(int v) { valVideos = v; return this; }
        public Builder testVideos(int v) { testVideos = v; return this; }
        public Builder trainTracks(int v) { trainTracks = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder latentDim(int v) { latentDim = v; return this; }
        public Builder hiddenDim(int v) { hiddenDim = v; return this; }
        public Builder paletteSize(int v) { paletteSize = v; return this; }
        public Builder paletteShare(double v) { paletteShare = v; return this; }
        public Builder sectionMinSec(double v) { sectionMinSec = v; return this; }
        public Builder sectionMaxSec(double v) { sectionMaxSec = v; return this; }
        public Builder repeatRate(double v) { repeatRate = v; return this; }
        public Builder repeatJitter(double v) { repeatJitter = v; return this; }
        public Builder smoothness(double v) { smoothness = v; return this; }
        public Builder motifStrength(double v) { motifStrength = v; return this; }
        public Builder versionRate(double v) { versionRate = v; return this; }
        public Builder versionJitter(double v) { versionJitter = v; return this; }
        public Builder videoNoise(double v) { videoNoise = v; return this; }
        public Builder musicNoise(double v) { musicNoise = v; return this; }
        public Builder frameLatentNoise(double v) { frameLatentNoise = v; return this; }
        public Builder windowLatentNoise(double v) { windowLatentNoise = v; return this; }
        public Builder styleStrength(double v) { styleStrength = v; return this; }
        public Builder categoryStyleShare(double v) { categoryStyleShare = v; return this; }
        public Builder timbreStrength(double v) { timbreStrength = v; return this; }
        public Builder momentReuse(double v) { momentReuse = v; return this; }
        public Builder valTestCommon(double v) { valTestCommon = v; return this; }
        public Builder evalInTrain(double v) { evalInTrain = v; return this; }

        public SynthConfig build() {
            return new SynthConfig(trainVideos, valVideos, testVideos, trainTracks, seed, latentDim, hiddenDim,
                    paletteSize, paletteShare, sectionMinSec, sectionMaxSec, repeatRate, repeatJitter, smoothness,
                    motifStrength, versionRate, versionJitter, videoNoise, musicNoise, frameLatentNoise,
                    windowLatentNoise, styleStrength,
                    categoryStyleShare, timbreStrength, momentReuse, valTestCommon, evalInTrain);
        }
    }
}
