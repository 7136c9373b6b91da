package org.mgsv.synth;

import java.util.SplittableRandom;

/**
 * Independent, reproducible random streams: every generated object (a track, a video, the feature maps) draws
 * from its own stream keyed by (seed, kind, index), so results do not depend on generation order or on the
 * number of threads.
 */
final class Streams {
    static final long PLAN = 1;
    static final long MAPS = 2;
    static final long PALETTE = 3;
    static final long TRACK_LATENT = 4;
    static final long TRACK_FEATURES = 5;
    static final long VIDEO_FEATURES = 6;
    static final long CATEGORY_STYLE = 7;

    private Streams() {}

    static SplittableRandom of(long seed, long kind, long index) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ (kind * 0xBF58476D1CE4E5B9L));
        h = mix(h ^ (index * 0x94D049BB133111EBL + 0x632BE59BD9B4E019L));
        return new SplittableRandom(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
