package org.mgsv.media.encode.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mgsv.core.MgsvException;

/**
 * Real-size stand-ins of the published encoders (CLIP ViT-B/32 image tower, AST) with random weights, built by
 * the bundled {@code make-real-size-encoders.py} with Debian's python3-torch and python3-onnx into a cache folder
 * (never committed, no download), and their FLOP counts. Only the benchmarks use them: they have the real
 * architectures, opsets, names and shapes (docs/encoders.md), so they cost what the real ones cost.
 */
public final class RealSizeEncoders {
    public static final String CLIP = "clip-vit-b32-image.onnx";
    public static final String AST = "ast-audioset.onnx";
    /** The small CLIP-shaped model of {@code --tiny}, for tests. */
    public static final String TINY = "tiny-vit.onnx";
    static final String SCRIPT = "make-real-size-encoders.py";

    private RealSizeEncoders() {}

    /** {@code $XDG_CACHE_HOME/mgsv/encoders}, else {@code ~/.cache/mgsv/encoders}. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mgsv").resolve("encoders");
    }

    /** The Python that builds them: {@code -Dmgsv.python}, {@code MGSV_PYTHON}, else /usr/bin/python3. */
    public static String python() {
        String env = System.getenv("MGSV_PYTHON");
        return System.getProperty("mgsv.python", env != null && !env.isEmpty() ? env : "/usr/bin/python3");
    }

    /** Both real-size models in {@code dir}, built first when missing (a few minutes, about 700 MB). */
    public static Path ensure(Path dir, java.io.PrintStream log) {
        if (!Files.isRegularFile(dir.resolve(CLIP)) || !Files.isRegularFile(dir.resolve(AST))) {
            if (log != null) {
                log.println("building the real-size CLIP ViT-B/32 and AST stand-ins (random weights) in " + dir
                        + " with " + python() + " (once; a few minutes) ...");
            }
            build(dir, false);
        }
        return dir;
    }

    /** Runs the script into {@code dir}; {@code tiny} writes only {@link #TINY}. */
    public static void build(Path dir, boolean tiny) {
        try {
            Files.createDirectories(dir);
            Path script = dir.resolve(SCRIPT);
            try (InputStream in = RealSizeEncoders.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new MgsvException(SCRIPT + " is missing from the class path");
                }
                Path tmp = dir.resolve(SCRIPT + ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            List<String> cmd = new ArrayList<>(List.of(python(), script.toString()));
            if (tiny) {
                cmd.add("--tiny");
            }
            cmd.add(dir.toString());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new MgsvException("cannot run " + python() + " to build the real-size encoders (install "
                        + "python3-torch and python3-onnx, or set MGSV_PYTHON): " + e.getMessage());
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                String log = new String(out, StandardCharsets.UTF_8).lines()
                        .filter(l -> !l.contains("Warning")).reduce("", (a, b) -> a + "\n" + b);
                throw new MgsvException(python() + " " + script + " failed (needs python3-torch and python3-onnx):"
                        + log);
            }
        } catch (IOException e) {
            throw new MgsvException(dir + ": cannot build the real-size encoders (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MgsvException("interrupted while building the real-size encoders");
        }
    }

    /**
     * FLOPs (a multiply-add = 2) of a pre-norm ViT encoder of {@code layers} blocks over {@code tokens} tokens of
     * width {@code d} with an MLP of 4d: per block the q/k/v, output and two MLP projections (24·T·d²) and the
     * two attention products (4·T²·d). LayerNorm, softmax and GELU are left out (under 2 %).
     */
    public static double vitFlops(long tokens, long d, int layers) {
        return layers * (24.0 * tokens * d * d + 4.0 * tokens * tokens * d);
    }

    /** One CLIP ViT-B/32 frame: patch conv (49 patches of 3·32·32), 50 tokens × 12 blocks, projection 768→512. */
    public static double clipFlopsPerFrame() {
        return 2.0 * 49 * 3 * 32 * 32 * 768 + vitFlops(50, 768, 12) + 2.0 * 768 * 512;
    }

    /** One AST window: patch conv (1,212 patches of 16·16), 1,214 tokens × 12 blocks. */
    public static double astFlopsPerWindow() {
        return 2.0 * 1212 * 16 * 16 * 768 + vitFlops(1214, 768, 12);
    }
}
