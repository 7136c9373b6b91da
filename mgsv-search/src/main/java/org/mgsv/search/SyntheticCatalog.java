package org.mgsv.search;

import java.util.AbstractList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.H0Matrix;
import org.mgsv.search.catalog.TrackInfo;
import org.mgsv.search.catalog.TrackRecord;

/**
 * A read-only catalog of {@code n} procedurally generated tracks for search benchmarks (a million tracks' tokens
 * would be 98 GB). Track i has a direction b_i (seeded by i), a duration of 60–240 s (valid segments
 * ⌈duration/2.5⌉) and segment tokens t_s = b_i + 0.8·p_s, where p is one of 128 shared zero-mean noise sets; h0 is
 * the normalised masked mean of the tokens, exactly as the music tower pools. Tokens are rebuilt on every
 * {@link #get}, costing about what reading them from a memory-mapped catalog costs.
 */
public final class SyntheticCatalog implements CatalogStore {
    private static final int POOL = 128;
    private static final float NOISE = 0.8f;

    private final int n;
    private final int d;
    private final int segs;
    private final long seed;
    private final float[][][] pool; // [POOL][segs][d]
    private final float[][][] prefixMean; // [POOL][segs+1][d]: mean of the first v rows

    public SyntheticCatalog(int n, int d, int segs, long seed) {
        this.n = n;
        this.d = d;
        this.segs = segs;
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        pool = new float[POOL][segs][d];
        prefixMean = new float[POOL][segs + 1][d];
        for (int p = 0; p < POOL; p++) {
            float[] mean = new float[d];
            for (int s = 0; s < segs; s++) {
                for (int j = 0; j < d; j++) {
                    pool[p][s][j] = (float) (gauss(r) / Math.sqrt(d));
                    mean[j] += pool[p][s][j];
                }
            }
            float[] run = new float[d];
            for (int s = 0; s < segs; s++) {
                for (int j = 0; j < d; j++) {
                    run[j] += pool[p][s][j];
                    prefixMean[p][s + 1][j] = run[j] / (s + 1);
                }
            }
        }
    }

    private static double gauss(SplittableRandom r) {
        // Box-Muller
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private SplittableRandom rng(int i) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    }

    private double duration(SplittableRandom r) {
        return 60 + 180 * r.nextDouble();
    }

    private float[] direction(SplittableRandom r) {
        float[] b = new float[d];
        for (int j = 0; j < d; j++) {
            b[j] = (float) (gauss(r) / Math.sqrt(d));
        }
        return b;
    }

    private int valid(double duration) {
        return Math.min(segs, (int) Math.floor(duration / 2.5) + 1);
    }

    /** h0 of track i. */
    public float[] h0(int i) {
        SplittableRandom r = rng(i);
        double dur = duration(r);
        int p = r.nextInt(POOL);
        float[] b = direction(r);
        float[] pm = prefixMean[p][valid(dur)];
        float[] h = new float[d];
        for (int j = 0; j < d; j++) {
            h[j] = b[j] + NOISE * pm[j];
        }
        return VecMath.normalize(h);
    }

    private TrackRecord record(int i) {
        SplittableRandom r = rng(i);
        double dur = duration(r);
        int p = r.nextInt(POOL);
        float[] b = direction(r);
        int v = valid(dur);
        float[][] tokens = new float[segs][d];
        float[] mask = new float[segs];
        for (int s = 0; s < v; s++) {
            mask[s] = 1;
            float[] src = pool[p][s];
            float[] t = tokens[s];
            for (int j = 0; j < d; j++) {
                t[j] = b[j] + NOISE * src[j];
            }
        }
        float[] pm = prefixMean[p][v];
        float[] h = new float[d];
        for (int j = 0; j < d; j++) {
            h[j] = b[j] + NOISE * pm[j];
        }
        return TrackRecord.builder(id(i)).title("Synthetic " + i).durationSeconds(dur)
                .vectors(tokens, mask, VecMath.normalize(h)).build();
    }

    static String id(int i) {
        return "s" + i;
    }

    private int index(String id) {
        if (id == null || id.length() < 2 || id.charAt(0) != 's') {
            return -1;
        }
        try {
            int i = Integer.parseInt(id.substring(1));
            return i >= 0 && i < n && id(i).equals(id) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public int dim() {
        return d;
    }

    @Override
    public int segments() {
        return segs;
    }

    @Override
    public void add(TrackRecord track) {
        throw new UnsupportedOperationException("synthetic catalogs are read-only");
    }

    @Override
    public boolean remove(String id) {
        throw new UnsupportedOperationException("synthetic catalogs are read-only");
    }

    @Override
    public void commit() {}

    @Override
    public boolean contains(String id) {
        return index(id) >= 0;
    }

    @Override
    public Optional<TrackRecord> get(String id) {
        int i = index(id);
        return i < 0 ? Optional.empty() : Optional.of(record(i));
    }

    @Override
    public Optional<TrackInfo> info(String id) {
        return get(id).map(TrackRecord::info);
    }

    @Override
    public List<String> ids() {
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                return id(i);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public H0Matrix h0Matrix() {
        List<String> ids = ids();
        return new H0Matrix() {
            @Override
            public List<String> ids() {
                return ids;
            }

            @Override
            public int dim() {
                return d;
            }

            @Override
            public float[] row(int i, float[] out) {
                System.arraycopy(h0(i), 0, out, 0, d);
                return out;
            }
        };
    }
}
