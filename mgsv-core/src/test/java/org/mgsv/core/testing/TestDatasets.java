package org.mgsv.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.features.DirectoryFeatureStore;
import org.mgsv.core.features.FeatureSpec;
import org.mgsv.core.features.MusicFeatures;
import org.mgsv.core.features.VideoFeatures;
import org.mgsv.core.tensor.Npy;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;

/**
 * Writes small MGSV-EC-like datasets in the published layout for tests:
 * <pre>
 * &lt;root&gt;/dataset/MGSV-EC/{train,val,test}_data.csv
 * &lt;root&gt;/features/Kuai_feature/vit_feature1/{vit_feature,vit_mask}/&lt;video_id&gt;.pt
 * &lt;root&gt;/features/Kuai_feature/ast_feature2p5/{ast_feature,ast_mask}/&lt;music_id&gt;.pt
 * </pre>
 * Everything is a deterministic function of the seed. Masks follow the reference's rules (frame i of the
 * segment for i ≤ floor(video_end); music window centre 2.5·s ≤ track duration). Padded slots hold non-zero
 * noise in the files, so readers must zero them. With {@code signal > 0} each pair shares a latent vector: the
 * video's frames and the track's windows inside the ground-truth moment carry (fixed random projections of) it,
 * so a model can learn to match them.
 *
 * <pre>{@code
 * TestDatasets.Dataset ds = TestDatasets.builder().train(16).val(4).test(4).seed(7).write(tmpDir);
 * DatasetLayout layout = DatasetLayout.resolve(ds.root());
 * }</pre>
 */
public final class TestDatasets {
    private TestDatasets() {}

    public static final String[] CATEGORIES = {"Fashion", "Games", "Home Furnishings", "Food", "Beauty"};
    private static final int LATENT = 8;

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a generated dataset. */
    public static final class Builder {
        private final Map<String, Integer> splits = new LinkedHashMap<>();
        private FeatureSpec spec = FeatureSpec.MGSV_EC;
        private long seed = 1;
        private double signal = 1.0;
        private boolean npy;
        private int musicPool = -1;

        Builder() {
            splits.put("train", 8);
            splits.put("val", 4);
            splits.put("test", 4);
        }

        public Builder train(int rows) {
            splits.put("train", rows);
            return this;
        }

        public Builder val(int rows) {
            splits.put("val", rows);
            return this;
        }

        public Builder test(int rows) {
            splits.put("test", rows);
            return this;
        }

        /** Feature shapes (default: the published [50,512] / [96,768]). */
        public Builder spec(FeatureSpec s) {
            this.spec = s;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Strength of the shared video/music signal relative to unit noise (0 = pure noise). */
        public Builder signal(double s) {
            this.signal = s;
            return this;
        }

        /** Write .npy files instead of torch.save .pt files. */
        public Builder npy(boolean b) {
            this.npy = b;
            return this;
        }

        /**
         * Number of distinct tracks per split (rows reuse tracks round-robin, as the training split does);
         * default: one track per row, as in the published val/test splits.
         */
        public Builder musicPool(int n) {
            this.musicPool = n;
            return this;
        }

        public Dataset write(Path root) throws IOException {
            return TestDatasets.write(root, this);
        }
    }

    /** A written dataset with the exact features every reader must return for it. */
    public static final class Dataset {
        private final Path root;
        private final FeatureSpec spec;
        private final Map<String, List<Annotation>> splits;
        private final Map<String, VideoFeatures> videos;
        private final Map<String, MusicFeatures> music;

        Dataset(Path root, FeatureSpec spec, Map<String, List<Annotation>> splits, Map<String, VideoFeatures> videos,
                Map<String, MusicFeatures> music) {
            this.root = root;
            this.spec = spec;
            this.splits = splits;
            this.videos = videos;
            this.music = music;
        }

        /** The dataset folder (holds dataset/ and features/). */
        public Path root() {
            return root;
        }

        public FeatureSpec spec() {
            return spec;
        }

        public Path csv(String split) {
            return root.resolve("dataset").resolve("MGSV-EC").resolve(split + "_data.csv");
        }

        /** The feature root ({@code features/Kuai_feature}). */
        public Path featureRoot() {
            return root.resolve("features").resolve("Kuai_feature");
        }

        public List<Annotation> annotations(String split) {
            return splits.get(split);
        }

        public Map<String, List<Annotation>> splits() {
            return Collections.unmodifiableMap(splits);
        }

        /** Expected features (padded slots zero) by video id. */
        public Map<String, VideoFeatures> videos() {
            return Collections.unmodifiableMap(videos);
        }

        /** Expected features (padded slots zero) by music id. */
        public Map<String, MusicFeatures> music() {
            return Collections.unmodifiableMap(music);
        }

        /** The store over the written files. */
        public DirectoryFeatureStore featureStore() {
            return new DirectoryFeatureStore(featureRoot(), spec);
        }
    }

    static Dataset write(Path root, Builder b) throws IOException {
        FeatureSpec spec = b.spec;
        Random rnd = new Random(b.seed);
        // fixed projections latent -> feature space (shared by all pairs)
        float[] pv = gaussian(rnd, LATENT * spec.videoDim());
        float[] pm = gaussian(rnd, LATENT * spec.musicDim());
        Path fr = root.resolve("features").resolve("Kuai_feature");
        Path vf = fr.resolve("vit_feature1").resolve("vit_feature");
        Path vm = fr.resolve("vit_feature1").resolve("vit_mask");
        Path mf = fr.resolve("ast_feature2p5").resolve("ast_feature");
        Path mm = fr.resolve("ast_feature2p5").resolve("ast_mask");
        for (Path d : new Path[] {vf, vm, mf, mm}) {
            Files.createDirectories(d);
        }
        Map<String, List<Annotation>> splits = new LinkedHashMap<>();
        Map<String, VideoFeatures> videos = new LinkedHashMap<>();
        Map<String, MusicFeatures> music = new LinkedHashMap<>();
        long nextVideo = 100_000_000_000L + (b.seed % 1000) * 1_000_000L;
        int nextMusic = 0;
        for (Map.Entry<String, Integer> split : b.splits.entrySet()) {
            int rows = split.getValue();
            int pool = b.musicPool > 0 ? Math.min(b.musicPool, rows) : rows;
            List<String> poolIds = new ArrayList<>();
            List<Double> poolDur = new ArrayList<>();
            List<float[]> poolLatent = new ArrayList<>();
            for (int i = 0; i < pool; i++) {
                poolIds.add(musicId(b.seed, nextMusic++));
                poolDur.add(round3(30 + rnd.nextDouble() * 210));
                poolLatent.add(gaussian(rnd, LATENT));
            }
            List<Annotation> anns = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                String vid = Long.toString(nextVideo++);
                int p = r % pool;
                String mid = poolIds.get(p);
                double total = poolDur.get(p);
                double seg = round3(5 + rnd.nextDouble() * Math.min(45, total - 5 - 1e-3));
                double start = rnd.nextDouble() < 0.25 ? 0.0 : round3(rnd.nextDouble() * (total - seg));
                double end = round3(start + seg);
                double vStart = 0.0;
                double vEnd = seg;
                double vTotal = round3(seg + rnd.nextDouble() * 2);
                int fps = 30;
                Annotation a = new Annotation(vid, mid, vStart, vEnd, start, end, total, seg, seg,
                        "/music/" + mid + ".mp3", vTotal, 720, 1280, (int) Math.round(vTotal * fps), fps,
                        CATEGORIES[rnd.nextInt(CATEGORIES.length)]);
                anns.add(a);
                float[] z = poolLatent.get(p);
                // video: frames carry the pair's latent signal plus noise
                int vs = spec.videoSlots();
                int vd = spec.videoDim();
                float[] vmask = new float[vs];
                int last = Math.min((int) Math.floor(vEnd), vs - 1);
                for (int i = (int) Math.floor(vStart); i <= last; i++) {
                    vmask[i] = 1f;
                }
                float[] vfe = new float[vs * vd];
                for (int s = 0; s < vs; s++) {
                    for (int j = 0; j < vd; j++) {
                        double v = rnd.nextGaussian() * 0.5;
                        for (int k = 0; k < LATENT; k++) {
                            v += b.signal * z[k] * pv[k * vd + j] / Math.sqrt(LATENT);
                        }
                        vfe[s * vd + j] = (float) v;
                    }
                }
                writeTensor(vf.resolve(vid + ext(b)), Tensor.wrap(vfe, vs, vd), b.npy);
                writeTensor(vm.resolve(vid + ext(b)), Tensor.wrap(vmask, vs), b.npy);
                videos.put(vid, new VideoFeatures(vid, Tensor.of(vfe, vs, vd), Tensor.of(vmask, vs)));
                if (!music.containsKey(mid)) {
                    int ms = spec.musicSlots();
                    int md = spec.musicDim();
                    float[] mmask = new float[ms];
                    float[] mfe = new float[ms * md];
                    for (int s = 0; s < ms; s++) {
                        double c = 2.5 * s;
                        mmask[s] = c <= total ? 1f : 0f;
                        boolean inMoment = c >= start && c <= end;
                        for (int j = 0; j < md; j++) {
                            double v = rnd.nextGaussian() * 0.5;
                            if (inMoment) {
                                for (int k = 0; k < LATENT; k++) {
                                    v += b.signal * z[k] * pm[k * md + j] / Math.sqrt(LATENT);
                                }
                            }
                            mfe[s * md + j] = (float) v;
                        }
                    }
                    writeTensor(mf.resolve(mid + ext(b)), Tensor.wrap(mfe, ms, md), b.npy);
                    writeTensor(mm.resolve(mid + ext(b)), Tensor.wrap(mmask, ms), b.npy);
                    music.put(mid, new MusicFeatures(mid, Tensor.of(mfe, ms, md), Tensor.of(mmask, ms)));
                }
            }
            AnnotationCsv.write(root.resolve("dataset").resolve("MGSV-EC").resolve(split.getKey() + "_data.csv"),
                    anns);
            splits.put(split.getKey(), anns);
        }
        return new Dataset(root, spec, splits, videos, music);
    }

    private static String ext(Builder b) {
        return b.npy ? ".npy" : ".pt";
    }

    private static void writeTensor(Path p, Tensor t, boolean npy) {
        if (npy) {
            Npy.write(p, t);
        } else {
            TorchSave.write(p, t);
        }
    }

    /** Ids shaped like the published ones ("4+5x" + 13 lowercase alphanumerics). */
    static String musicId(long seed, int i) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        Random r = new Random(seed * 1_000_003L + i);
        StringBuilder sb = new StringBuilder("4+5x");
        for (int k = 0; k < 13; k++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
