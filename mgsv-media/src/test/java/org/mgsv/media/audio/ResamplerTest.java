package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.core.tensor.Tensor;

class ResamplerTest {
    @TempDir Path tmp;

    @Test
    void lengthAndWidthFollowTorchaudio() {
        Resampler r = Resampler.of(44100, 16000);
        assertEquals(17, r.width()); // ceil(6·441 / (160·0.99))
        assertEquals(2604345, r.outputLength(7178224)); // frantic.ogg, meta.json resampled_samples
        assertEquals(1, Resampler.of(44100, 16000).outputLength(1));
    }

    @Test
    void lowToneSurvivesHighToneIsRemoved() {
        int n = 48000;
        float[] low = new float[n], high = new float[n];
        for (int i = 0; i < n; i++) {
            low[i] = (float) Math.sin(2 * Math.PI * 1000 * i / 48000.0);
            high[i] = (float) Math.sin(2 * Math.PI * 12000 * i / 48000.0);
        }
        float[] lo = Resampler.resample(low, 48000, 16000);
        float[] hi = Resampler.resample(high, 48000, 16000);
        assertEquals(16000, lo.length);
        assertEquals(1 / Math.sqrt(2), AudioDecoderTest.rms(lo, 1000, 15000), 0.01);
        double leak = AudioDecoderTest.rms(hi, 1000, 15000);
        assertTrue(leak < 2e-2, "12 kHz leaks " + leak);
    }

    /** The polyphase (SIMD) form gives the direct form's every bit, for whole signals and for sub-ranges. */
    @Test
    void polyphaseFormIsBitForBitTheDirectForm() {
        assertTrue(Resampler.SIMD, "the tests run with jdk.incubator.vector, so the SIMD form is what they test");
        Random rnd = new Random(11);
        int[][] pairs = {{44100, 11025}, {48000, 11025}, {22050, 11025}, {8000, 11025}, {44100, 16000},
            {48000, 16000}, {16000, 11025}, {96000, 16000}, {11025, 16000}, {32000, 22050}};
        for (int[] p : pairs) {
            Resampler r = Resampler.of(p[0], p[1]);
            for (int n : new int[] {1, 7, 999, 20011, 131071 + rnd.nextInt(5000)}) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) (0.3 * rnd.nextGaussian() + 0.2 * Math.sin(i * 0.01));
                }
                int len = (int) r.outputLength(n);
                float[] want = new float[len];
                r.applyDirect(x, want, 0, len);
                float[] whole = new float[len];
                r.applyPolyphase(x, whole, 0, len);
                for (int i = 0; i < len; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(whole[i]),
                            p[0] + " -> " + p[1] + ", n = " + n + ", sample " + i);
                }
                float[] parts = new float[len];
                int from = 0;
                while (from < len) { // ragged ranges, as threads split the work
                    int to = Math.min(len, from + 1 + rnd.nextInt(Math.max(1, len / 3)));
                    r.applyPolyphase(x, parts, from, to);
                    from = to;
                }
                for (int i = 0; i < len; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(parts[i]),
                            p[0] + " -> " + p[1] + ", n = " + n + " in parts, sample " + i);
                }
            }
        }
    }

    /** Against torchaudio 0.13 itself (Debian python3-torchaudio) on a random signal, for several rate pairs. */
    @Test
    void matchesTorchaudioResample() throws Exception {
        Assumptions.assumeTrue(TestMedia.hasTorchaudio(), "/usr/bin/python3 with torchaudio not available");
        Random rnd = new Random(7);
        float[] x = new float[20011];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * rnd.nextGaussian() + 0.2 * Math.sin(i * 0.01));
        }
        Map<String, NpyArray> in = new LinkedHashMap<>();
        in.put("x", NpyArray.of(Tensor.of(x, x.length)));
        Npz.write(tmp.resolve("in.npz"), in, false);
        int[][] pairs = {{44100, 16000}, {48000, 16000}, {22050, 16000}, {8000, 16000}, {32000, 16000}, {11025, 16000}};
        StringBuilder py = new StringBuilder("import numpy as np, torch, torchaudio\n"
                + "x = torch.from_numpy(np.load(r'" + tmp.resolve("in.npz") + "')['x'])\nout = {}\n");
        for (int[] p : pairs) {
            py.append("out['r").append(p[0]).append("'] = torchaudio.functional.resample(x, ")
                    .append(p[0]).append(", ").append(p[1]).append(").numpy()\n");
        }
        py.append("np.savez(r'").append(tmp.resolve("out.npz")).append("', **out)\n");
        TestMedia.run(List.of("/usr/bin/python3", "-c", py.toString()));
        Map<String, NpyArray> ref = Npz.read(tmp.resolve("out.npz"));
        for (int[] p : pairs) {
            float[] want = ref.get("r" + p[0]).toTensor().toArray();
            float[] got = Resampler.resample(x, p[0], p[1]);
            assertEquals(want.length, got.length, "length " + p[0] + " -> " + p[1]);
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(want[i] - got[i]));
            }
            System.out.printf(Locale.ROOT, "resample %d -> %d vs torchaudio: max |diff| = %.3g%n", p[0], p[1], err);
            assertTrue(err < 1e-5, p[0] + " -> " + p[1] + ": " + err);
        }
    }
}
