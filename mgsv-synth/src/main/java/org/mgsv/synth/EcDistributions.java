package org.mgsv.synth;

import java.util.random.RandomGenerator;

/**
 * Distributions of the MGSV-EC annotations, derived from the published val and test CSVs (4,000 rows), used to
 * make synthetic annotations look like the real ones. Only summary statistics are kept here (quantile tables,
 * shares, category counts), never rows.
 *
 * <p>Continuous quantities are sampled by inverse-CDF interpolation in a quantile table. The moment start
 * depends strongly on the track duration (short clips mostly start at 0, full songs rarely), so it is drawn per
 * duration class: share at exactly 0 s, share in (0, 1) s, and otherwise the start relative to the free range
 * {@code music_total_duration - video_segment_duration}.
 */
public final class EcDistributions {
    private EcDistributions() {}

    /** music_total_duration quantiles at 0, 2.5, ..., 100 %. */
    static final double[] MUSIC_DURATION = {
        30.096, 31.718, 34.229, 36.177, 39.056, 42.661, 46.626, 50.991, 56.972, 59.957, 62.929, 69.010, 77.276,
        89.536, 100.406, 115.154, 125.335, 132.734, 139.366, 143.874, 153.670, 164.300, 170.595, 176.724, 180.837,
        185.454, 189.568, 192.138, 196.515, 200.156, 203.244, 206.797, 210.141, 213.624, 216.591, 220.404, 224.119,
        227.480, 232.111, 235.361, 239.911
    };

    /** video_segment_duration quantiles at 0, 2.5, ..., 100 %. */
    static final double[] SEGMENT_DURATION = {
        5.168, 7.899, 8.811, 9.599, 10.417, 11.145, 11.765, 12.441, 13.091, 13.755, 14.194, 14.741, 15.113, 15.599,
        16.086, 16.676, 17.234, 17.907, 18.490, 19.215, 20.123, 20.885, 21.728, 22.656, 23.449, 24.443, 25.639,
        26.834, 27.958, 29.260, 30.305, 31.536, 32.976, 34.249, 35.775, 37.586, 39.984, 41.425, 43.442, 45.941,
        49.486
    };

    /** Upper bounds (s) of the track-duration classes that the start distribution is conditioned on. */
    static final double[] DURATION_CLASS_UPPER = {60.0, 150.0, Double.POSITIVE_INFINITY};
    /** Per duration class: share of moments starting at exactly 0 s. */
    static final double[] SHARE_START_0 = {0.4195, 0.3767, 0.0758};
    /** Per duration class: share of moments starting before 1 s (0 s included). */
    static final double[] SHARE_START_LT_1 = {0.7936, 0.5266, 0.1149};
    /** Per duration class: quantiles (0, 5, ..., 100 %) of start / (duration - segment) for starts of 1 s or more. */
    static final double[][] RELATIVE_START = {
        {0.020, 0.044, 0.050, 0.058, 0.074, 0.079, 0.091, 0.099, 0.115, 0.121, 0.137, 0.155, 0.197, 0.231, 0.280,
            0.317, 0.408, 0.614, 0.758, 0.972, 1.000},
        {0.009, 0.016, 0.027, 0.035, 0.053, 0.074, 0.089, 0.111, 0.141, 0.166, 0.210, 0.260, 0.310, 0.356, 0.412,
            0.450, 0.499, 0.584, 0.642, 0.750, 1.000},
        {0.005, 0.017, 0.055, 0.089, 0.112, 0.144, 0.195, 0.232, 0.249, 0.263, 0.279, 0.293, 0.308, 0.321, 0.342,
            0.361, 0.403, 0.457, 0.563, 0.682, 0.997}
    };
    /** Quantiles (0, 5, ..., 100 %) of starts strictly between 0 and 1 s. */
    static final double[] START_BELOW_1 = {
        0.012, 0.071, 0.113, 0.142, 0.187, 0.230, 0.256, 0.292, 0.309, 0.344, 0.366, 0.397, 0.434, 0.468, 0.502,
        0.562, 0.636, 0.698, 0.785, 0.906, 0.998
    };

    /** Share of videos whose segment does not start at 0 s, and quantiles (0, 5, ..., 100 %) of such starts. */
    static final double SHARE_VIDEO_START_POSITIVE = 0.0105;
    static final double[] VIDEO_START_POSITIVE = {
        0.105, 0.110, 0.112, 0.117, 0.125, 0.138, 0.162, 0.176, 0.185, 0.191, 0.212, 0.230, 0.265, 0.278, 0.303,
        0.320, 0.352, 0.373, 0.431, 0.461, 0.470
    };
    /** Quantiles (5, 10, ..., 95 %) of video_total_duration - video_end (the tails are left out). */
    static final double[] VIDEO_TAIL = {
        0.000, 0.002, 0.006, 0.010, 0.012, 0.016, 0.022, 0.030, 0.098, 0.101, 0.104, 0.107, 0.110, 0.114, 0.117,
        0.122, 0.129, 0.168, 1.689
    };

    /** Frame rates and their counts (the 20 most frequent; they cover 98 % of the rows). */
    static final int[] FRAME_RATES = {30, 60, 31, 25, 50, 24, 26, 59, 29, 20, 58, 55, 53, 47, 44, 41, 27, 28, 57, 42};
    static final int[] FRAME_RATE_COUNTS = {
        1564, 1511, 433, 153, 73, 61, 40, 17, 16, 11, 11, 7, 7, 7, 7, 6, 6, 6, 5, 5
    };
    /** Resolutions (width, height) and their counts (the 20 most frequent). */
    static final int[][] RESOLUTIONS = {
        {1080, 1920}, {2160, 3840}, {720, 1280}, {1080, 1440}, {1280, 720}, {1920, 1080}, {864, 1920},
        {2160, 2880}, {912, 1920}, {1440, 2560}, {3840, 2160}, {1440, 1080}, {982, 1746}, {1080, 1918},
        {1920, 3414}, {886, 1920}, {720, 960}, {576, 1280}, {1280, 2276}, {608, 1280}
    };
    static final int[] RESOLUTION_COUNTS = {
        2784, 535, 274, 57, 32, 21, 20, 18, 11, 10, 9, 9, 9, 7, 7, 5, 5, 5, 5, 4
    };
    /** Video categories and their counts (val + test). One empty category, as in the real files. */
    static final String[] CATEGORIES = {
        "Fashion", "Games", "Home Furnishings", "Food", "Beauty", "High-tech Gadgets", "Agriculture", "Cars",
        "Health", "Lifestyle", "Public News", "Parenting", "Anime", "Sports", "Pets", "Selfies", "Relationships",
        "Art", "Fitness", "Education", "Comedy", "Travel", "Photography", "Movies TV Shows", "Humanities",
        "Appearance", "Music", "Dance", "Short Dramas", "Horoscope Astrology", "Celebrity Entertainment",
        "Finance", "Military", "", "Books", "Curiosities"
    };
    static final int[] CATEGORY_COUNTS = {
        1755, 465, 371, 273, 183, 162, 148, 104, 83, 81, 73, 68, 24, 22, 20, 19, 19, 19, 15, 13, 10, 9, 9, 7, 6, 6,
        6, 6, 5, 4, 4, 4, 2, 2, 2, 1
    };

    /** Split sizes of the real MGSV-EC release. */
    public static final int REAL_TRAIN_VIDEOS = 49_194;
    public static final int REAL_TRAIN_TRACKS = 3_496;
    public static final int REAL_EVAL_VIDEOS = 2_000;
    /** Distinct moments in the real train split (several train videos share one music moment). */
    public static final int REAL_TRAIN_MOMENTS = 31_660;
    /** Tracks in the whole release: val ∪ test tracks = 2,107, so 1,553 of them also occur in train. */
    public static final int REAL_ALL_TRACKS = 4_050;
    /** Tracks common to val and test (1,893 of 2,000). */
    public static final int REAL_VAL_TEST_COMMON_TRACKS = 1_893;

    public static double musicDuration(RandomGenerator rng) {
        return quantile(MUSIC_DURATION, rng.nextDouble());
    }

    public static double segmentDuration(RandomGenerator rng) {
        return quantile(SEGMENT_DURATION, rng.nextDouble());
    }

    /** A moment start (s) for a track of {@code duration} s and a moment of {@code length} s. */
    public static double musicStart(RandomGenerator rng, double duration, double length) {
        double free = Math.max(0.0, duration - length);
        int cls = 0;
        while (duration >= DURATION_CLASS_UPPER[cls]) {
            cls++;
        }
        double u = rng.nextDouble();
        if (u < SHARE_START_0[cls] || free <= 0.0) {
            return 0.0;
        }
        if (u < SHARE_START_LT_1[cls] || free < 1.0) {
            return Math.min(free, quantile(START_BELOW_1, rng.nextDouble()));
        }
        for (int attempt = 0; attempt < 16; attempt++) {
            double s = quantile(RELATIVE_START[cls], rng.nextDouble()) * free;
            if (s >= 1.0) {
                return Math.min(s, free);
            }
        }
        return 1.0 + rng.nextDouble() * (free - 1.0);
    }

    /** video_start: 0 for 99 % of the videos, otherwise a fraction of a second. */
    public static double videoStart(RandomGenerator rng) {
        return rng.nextDouble() < SHARE_VIDEO_START_POSITIVE ? quantile(VIDEO_START_POSITIVE, rng.nextDouble()) : 0.0;
    }

    /** video_total_duration - video_end. */
    public static double videoTail(RandomGenerator rng) {
        return quantile(VIDEO_TAIL, rng.nextDouble());
    }

    public static int frameRate(RandomGenerator rng) {
        return FRAME_RATES[categorical(FRAME_RATE_COUNTS, rng)];
    }

    public static int[] resolution(RandomGenerator rng) {
        return RESOLUTIONS[categorical(RESOLUTION_COUNTS, rng)].clone();
    }

    /** Index into {@link #categories()}. */
    public static int category(RandomGenerator rng) {
        return categorical(CATEGORY_COUNTS, rng);
    }

    public static String[] categories() {
        return CATEGORIES.clone();
    }

    /** Linear interpolation in a table of equally spaced quantiles, at probability {@code u} in [0, 1). */
    static double quantile(double[] table, double u) {
        double x = u * (table.length - 1);
        int i = Math.min((int) x, table.length - 2);
        double f = x - i;
        return table[i] + f * (table[i + 1] - table[i]);
    }

    static int categorical(int[] counts, RandomGenerator rng) {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        long r = (long) (rng.nextDouble() * total);
        for (int i = 0; i < counts.length; i++) {
            r -= counts[i];
            if (r < 0) {
                return i;
            }
        }
        return counts.length - 1;
    }
}
