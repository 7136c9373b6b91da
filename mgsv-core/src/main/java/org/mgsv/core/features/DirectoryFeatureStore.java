package org.mgsv.core.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.Npy;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;

/**
 * Features in the published MGSV-EC layout, one file per id and kind:
 * <pre>
 * &lt;root&gt;/vit_feature1/vit_feature/&lt;video_id&gt;.pt     [50, 512]
 * &lt;root&gt;/vit_feature1/vit_mask/&lt;video_id&gt;.pt        [50]
 * &lt;root&gt;/ast_feature2p5/ast_feature/&lt;music_id&gt;.pt  [96, 768]
 * &lt;root&gt;/ast_feature2p5/ast_mask/&lt;music_id&gt;.pt     [96]
 * </pre>
 * ({@code <root>} is e.g. {@code features/Kuai_feature}). Each file is a {@code torch.save} tensor (float32 or
 * float16) or a {@code .npy} array with the same stem; {@code .pt} wins when both exist. Every read checks shape,
 * finiteness and 0/1 masks, with errors naming the file.
 */
public final class DirectoryFeatureStore implements FeatureStore {
    public static final String VIDEO_DIR = "vit_feature1";
    public static final String MUSIC_DIR = "ast_feature2p5";

    private final Path root;
    private final FeatureSpec spec;

    public DirectoryFeatureStore(Path root) {
        this(root, FeatureSpec.MGSV_EC);
    }

    public DirectoryFeatureStore(Path root, FeatureSpec spec) {
        if (!Files.isDirectory(root)) {
            throw new MgsvException("feature directory not found: " + root);
        }
        if (!Files.isDirectory(root.resolve(VIDEO_DIR)) && !Files.isDirectory(root.resolve(MUSIC_DIR))) {
            throw new MgsvException("no features in " + root + ": expected " + VIDEO_DIR + "/ and " + MUSIC_DIR
                    + "/ (the published Kuai_feature layout)");
        }
        this.root = root;
        this.spec = spec;
    }

    /** True if {@code dir} looks like a feature root (has vit_feature1/ or ast_feature2p5/). */
    public static boolean looksLikeRoot(Path dir) {
        return Files.isDirectory(dir.resolve(VIDEO_DIR)) || Files.isDirectory(dir.resolve(MUSIC_DIR));
    }

    public Path root() {
        return root;
    }

    public Path videoFeatureDir() {
        return root.resolve(VIDEO_DIR).resolve("vit_feature");
    }

    public Path videoMaskDir() {
        return root.resolve(VIDEO_DIR).resolve("vit_mask");
    }

    public Path musicFeatureDir() {
        return root.resolve(MUSIC_DIR).resolve("ast_feature");
    }

    public Path musicMaskDir() {
        return root.resolve(MUSIC_DIR).resolve("ast_mask");
    }

    @Override
    public FeatureSpec spec() {
        return spec;
    }

    @Override
    public boolean hasVideo(String videoId) {
        return find(videoFeatureDir(), videoId) != null && find(videoMaskDir(), videoId) != null;
    }

    @Override
    public boolean hasMusic(String musicId) {
        return find(musicFeatureDir(), musicId) != null && find(musicMaskDir(), musicId) != null;
    }

    @Override
    public VideoFeatures video(String videoId) {
        Path f = require(videoFeatureDir(), videoId, "video features");
        Path m = require(videoMaskDir(), videoId, "video mask");
        Tensor feats = load(f, spec.videoShape());
        Tensor mask = load(m, spec.videoSlots());
        return VideoFeatures.of(videoId, feats, mask, m.toString());
    }

    @Override
    public MusicFeatures music(String musicId) {
        Path f = require(musicFeatureDir(), musicId, "music features");
        Path m = require(musicMaskDir(), musicId, "music mask");
        Tensor feats = load(f, spec.musicShape());
        Tensor mask = load(m, spec.musicSlots());
        return MusicFeatures.of(musicId, feats, mask, m.toString());
    }

    private static Tensor load(Path file, int... shape) {
        return file.getFileName().toString().endsWith(".npy") ? Npy.read(file, shape) : TorchSave.read(file, shape);
    }

    /** The .pt or .npy file of {@code id} in {@code dir}, or null. */
    private static Path find(Path dir, String id) {
        if (id.isEmpty() || id.contains("/") || id.contains("\\") || id.equals("..") || id.equals(".")) {
            return null;
        }
        Path pt = dir.resolve(id + ".pt");
        if (Files.isRegularFile(pt)) {
            return pt;
        }
        Path npy = dir.resolve(id + ".npy");
        return Files.isRegularFile(npy) ? npy : null;
    }

    private Path require(Path dir, String id, String what) {
        Path p = find(dir, id);
        if (p == null) {
            throw new MgsvException("no " + what + " for id " + id + ": " + dir.resolve(id + ".pt")
                    + " does not exist" + (Files.isDirectory(dir) ? "" : " (directory " + dir + " missing)"));
        }
        return p;
    }

    @Override
    public Set<String> videoIds() {
        return ids(videoFeatureDir(), videoMaskDir());
    }

    @Override
    public Set<String> musicIds() {
        return ids(musicFeatureDir(), musicMaskDir());
    }

    /** Ids with both a feature and a mask file. */
    private static Set<String> ids(Path featDir, Path maskDir) {
        Set<String> feats = stems(featDir);
        feats.retainAll(stems(maskDir));
        return Collections.unmodifiableSet(feats);
    }

    private static Set<String> stems(Path dir) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.endsWith(".pt")) {
                    out.add(n.substring(0, n.length() - 3));
                } else if (n.endsWith(".npy")) {
                    out.add(n.substring(0, n.length() - 4));
                }
            });
        } catch (IOException e) {
            throw new MgsvException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void close() {
        // nothing held open
    }
}
