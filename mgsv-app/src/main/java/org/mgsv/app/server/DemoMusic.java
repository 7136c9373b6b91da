package org.mgsv.app.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.search.CatalogIndexer;

/**
 * Music for the demo catalog of {@code mgsv serve}, found in this order:
 * <ol>
 *   <li>the folder named by the system property {@value #PROPERTY} or, without it, the environment variable
 *       {@value #ENV} (any audio files, recursively, as {@code mgsv index} finds them);</li>
 *   <li>the recordings of the wesnoth-music package (GPL-2+) under each of {@link #WESNOTH_ROOTS}
 *       ({@code <root>/<version>/data/core/music/*.ogg}: Debian and Ubuntu install there);</li>
 *   <li>else synthesised pieces ({@link #synthesise}), and {@link #NOT_FOUND} says how to get real music.</li>
 * </ol>
 */
public final class DemoMusic {
    private DemoMusic() {}

    /** System property naming a folder of demo music. */
    public static final String PROPERTY = "mgsv.demoMusic";
    /** Environment variable naming a folder of demo music (when the property is not set). */
    public static final String ENV = "MGSV_DEMO_MUSIC";
    /** Where wesnoth-music's versions are looked for, in order. */
    public static final List<Path> WESNOTH_ROOTS = List.of(Path.of("/usr/share/games/wesnoth"),
            Path.of("/usr/share/wesnoth"), Path.of("/usr/local/share/games/wesnoth"), Path.of("/usr/local/share/wesnoth"));
    /** What to do when no music is found. */
    public static final String NOT_FOUND = "no demo music found: set " + ENV + " (or -D" + PROPERTY + ") to a folder "
            + "of audio files, or install the wesnoth-music package (looked for under " + WESNOTH_ROOTS.get(0) + " and "
            + WESNOTH_ROOTS.get(1) + ")";

    /** Music found on this machine and where it came from. */
    public record Found(List<Path> files, String source) {}

    /** Up to {@code max} tracks of the first source that has any, or null when none has (see the class comment). */
    public static Found find(int max) throws IOException {
        String dir = System.getProperty(PROPERTY);
        String from = "-D" + PROPERTY;
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
            from = ENV;
        }
        if (dir != null && !dir.isBlank()) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                throw new MgsvException(from + "=" + dir + ": no such folder");
            }
            List<Path> files = MediaFiles.list(d, MediaFiles.AUDIO_EXTENSIONS).reportTo(System.err);
            if (files.isEmpty()) {
                throw new MgsvException(from + "=" + dir + ": no audio files ("
                        + String.join(" ", new java.util.TreeSet<>(MediaFiles.AUDIO_EXTENSIONS)) + ") in it");
            }
            return new Found(files.subList(0, Math.min(max, files.size())), d.toString());
        }
        List<Path> w = wesnothTracks(max);
        return w.isEmpty() ? null : new Found(w, "wesnoth-music");
    }

    /** Up to {@code max} OGG files of the wesnoth-music package (GPL-2+), sorted by name; empty when absent. */
    public static List<Path> wesnothTracks(int max) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path games : WESNOTH_ROOTS) {
            if (!Files.isDirectory(games)) {
                continue;
            }
            try (Stream<Path> versions = Files.list(games)) {
                for (Path v : (Iterable<Path>) versions.sorted()::iterator) {
                    Path music = v.resolve("data/core/music");
                    if (Files.isDirectory(music)) {
                        try (Stream<Path> files = Files.list(music)) {
                            files.filter(f -> f.toString().endsWith(".ogg")).sorted().limit(max).forEach(out::add);
                        }
                        if (!out.isEmpty()) {
                            return out;
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Metadata for demo files: wesnoth recordings are credited to the Battle for Wesnoth project, synthesised
     * pieces to the synthesiser; music of a folder of the user's gets none (titles from the file names).
     */
    public static Map<String, CatalogIndexer.Meta> meta(List<Path> files) {
        Map<String, CatalogIndexer.Meta> m = new HashMap<>();
        for (Path f : files) {
            boolean wesnoth = f.toString().contains("wesnoth");
            boolean synth = f.getFileName().toString().matches("demo-\\d\\d-\\d+bpm\\.wav");
            if (wesnoth || synth) {
                m.put(f.getFileName().toString(), new CatalogIndexer.Meta(null, "",
                        wesnoth ? "Battle for Wesnoth" : "mgsv synthesiser", wesnoth ? "GPL-2.0-or-later" : "CC0-1.0"));
            }
        }
        return m;
    }

    /**
     * Writes {@code n} one-minute pieces (WAV, 22.05 kHz) with different tempi, keys and timbres: a bass line
     * on the downbeats, chords, a kick drum on every beat and hi-hats, so beats and moments are audible.
     */
    public static List<Path> synthesise(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        int sr = 22050;
        double[] bpms = {72, 90, 100, 110, 120, 128, 140, 160};
        double[] roots = {110, 123.47, 130.81, 146.83, 164.81, 174.61, 196, 220};
        for (int t = 0; t < n; t++) {
            double bpm = bpms[t % bpms.length];
            double root = roots[(t * 3) % roots.length];
            double seconds = 60;
            float[] pcm = new float[(int) (seconds * sr)];
            java.util.Random noise = new java.util.Random(t);
            double beat = 60.0 / bpm;
            int[][] progression = {{0, 4, 7}, {5, 9, 12}, {7, 11, 14}, {-3, 0, 4}};
            for (int i = 0; i < pcm.length; i++) {
                double time = (double) i / sr;
                int b = (int) (time / beat);
                double inBeat = time - b * beat;
                int bar = b / 4;
                int[] chord = progression[bar % progression.length];
                double v = 0;
                for (int k : chord) {
                    double f = root * 2 * Math.pow(2, k / 12.0);
                    v += 0.07 * Math.sin(2 * Math.PI * f * time + (t % 3) * Math.sin(2 * Math.PI * f * 0.5 * time));
                }
                double bassF = root * Math.pow(2, chord[0] / 12.0) / 2;
                v += 0.18 * Math.sin(2 * Math.PI * bassF * time) * Math.exp(-2.5 * inBeat);
                double kick = Math.sin(2 * Math.PI * (50 + 120 * Math.exp(-30 * inBeat)) * inBeat) * Math.exp(-12 * inBeat);
                v += (b % 4 == 0 ? 0.5 : 0.3) * kick;
                double half = inBeat - beat / 2;
                if (half >= 0 && t % 2 == 0) {
                    v += 0.05 * (noise.nextDouble() * 2 - 1) * Math.exp(-60 * half);
                }
                pcm[i] = (float) Math.max(-1, Math.min(1, v));
            }
            Path f = dir.resolve(String.format(Locale.ROOT, "demo-%02d-%dbpm.wav", t + 1, (int) bpm));
            byte[] wav = Wav.encode(pcm, sr);
            AtomicFiles.write(f, o -> o.write(wav));
            out.add(f);
        }
        return out;
    }
}
