package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.core.tensor.Tensor;

/**
 * MP3 (MGSV-EC's tracks), AAC in MP4 and Opus decoded by {@link AudioDecoder} against torchaudio 0.13's own
 * loader ({@code torchaudio.load}, Debian python3-torchaudio, which hands these codecs to the system's FFmpeg) on
 * the same files: 7 s of a tone with noise, made by the ffmpeg command line. Both sides must give the same
 * channels, rate and length (encoder delay and padding handled alike), and the same samples. Measured: MP3 is
 * bit-identical (FFmpeg's mp3float decoder on both sides); AAC differs in the last bits of most samples (max
 * 3.7e-8 stereo, 6.0e-8 mono: the FFmpeg bundled with JavaCV and the system's round differently) and Opus
 * likewise (max 9.7e-8); the tolerances are below one float step at full scale (1.2e-7).
 */
class CompressedDecodeParityTest {
    static final double AAC_TOL = 1e-7;
    static final double OPUS_TOL = 1.5e-7;

    @TempDir static Path tmp;
    static Map<String, NpyArray> ref;

    /** File name, sample rate, channels, then the ffmpeg encoder options. */
    static final String[][] FILES = {
        {"stereo44.mp3", "44100", "2", "-c:a", "libmp3lame", "-b:a", "128k"},
        {"mono48.mp3", "48000", "1", "-c:a", "libmp3lame", "-b:a", "96k"},
        {"vbr22.mp3", "22050", "2", "-c:a", "libmp3lame", "-q:a", "4"},
        {"stereo44.m4a", "44100", "2", "-c:a", "aac", "-b:a", "128k"},
        {"mono48.m4a", "48000", "1", "-c:a", "aac", "-b:a", "64k"},
        {"stereo48.opus", "48000", "2", "-c:a", "libopus", "-b:a", "96k"},
    };

    @BeforeAll
    static void makeFilesAndDecodeThemWithTorchaudio() throws Exception {
        TestMedia.assumeFfmpeg();
        Assumptions.assumeTrue(TestMedia.hasTorchaudio(), "/usr/bin/python3 with torchaudio not available");
        StringBuilder py = new StringBuilder("import numpy as np, torchaudio\nout = {}\n");
        for (String[] f : FILES) {
            String sr = f[1];
            List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=" + sr + ":d=7", "-f", "lavfi", "-i",
                    "anoisesrc=d=7:a=0.2:seed=7:sample_rate=" + sr, "-filter_complex",
                    "[0][1]amix=inputs=2,aformat=channel_layouts=" + (f[2].equals("1") ? "mono" : "stereo")));
            args.addAll(List.of(f).subList(3, f.length));
            args.add(tmp.resolve(f[0]).toString());
            TestMedia.ffmpeg(args.toArray(new String[0]));
            py.append("x, sr = torchaudio.load(r'").append(tmp.resolve(f[0])).append("')\n")
                    .append("out['").append(f[0]).append("'] = np.ascontiguousarray(x.numpy())\n")
                    .append("out['").append(f[0]).append(".rate'] = np.array([sr], dtype=np.int32)\n");
        }
        py.append("np.savez(r'").append(tmp.resolve("torchaudio.npz")).append("', **out)\n");
        TestMedia.run(List.of("/usr/bin/python3", "-c", py.toString()));
        ref = Npz.read(tmp.resolve("torchaudio.npz"));
    }

    /** Max |ours - torchaudio| over every sample of {@code name}, after checking rate, channels and length. */
    private static double maxDiff(String name) {
        Tensor want = ref.get(name).toTensor();
        DecodedAudio got = AudioDecoder.decode(tmp.resolve(name)).referencePcm();
        String[] f = Arrays.stream(FILES).filter(x -> x[0].equals(name)).findFirst().orElseThrow();
        assertEquals(Integer.parseInt(f[1]), got.sampleRate(), name + ": sample rate");
        assertEquals((int) ref.get(name + ".rate").toTensor().toArray()[0], got.sampleRate(), name + ": torchaudio rate");
        assertEquals(want.dim(0), got.numChannels(), name + ": channels");
        assertEquals(want.dim(1), got.numSamples(), name + ": samples (encoder delay and padding as torchaudio)");
        int n = want.dim(1);
        float[] w = want.toArray();
        double err = 0;
        int differ = 0;
        for (int c = 0; c < got.numChannels(); c++) {
            float[] x = got.channels()[c];
            for (int i = 0; i < n; i++) {
                double d = Math.abs(w[c * n + i] - x[i]);
                err = Math.max(err, d);
                differ += d != 0 ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "%s [%s] vs torchaudio: %d ch x %d at %d Hz, max |diff| %.3g, %d of %d samples"
                + " differ%n", name, got.codec(), got.numChannels(), n, got.sampleRate(), err, differ,
                n * got.numChannels());
        return err;
    }

    @Test
    void mp3IsDecodedBitIdenticallyToTorchaudio() {
        for (String name : List.of("stereo44.mp3", "mono48.mp3", "vbr22.mp3")) {
            assertEquals(0.0, maxDiff(name), name + ": max |diff|");
        }
    }

    @Test
    void aacInMp4MatchesTorchaudioToTheLastBits() {
        for (String name : List.of("stereo44.m4a", "mono48.m4a")) {
            double err = maxDiff(name);
            assertTrue(err <= AAC_TOL, name + ": max |diff| " + err);
        }
    }

    @Test
    void opusMatchesTorchaudioToTheLastBits() {
        double err = maxDiff("stereo48.opus");
        assertTrue(err <= OPUS_TOL, "stereo48.opus: max |diff| " + err);
    }
}
