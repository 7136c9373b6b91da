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

class KaldiFbankTest {
    @TempDir Path tmp;

    @Test
    void realFftMatchesDirectDft() {
        Random r = new Random(3);
        double[] x = new double[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] p = new double[257];
        new RealFft(512).powerSpectrum(x, 400, p);
        for (int k = 0; k <= 256; k++) {
            double re = 0, im = 0;
            for (int n = 0; n < 400; n++) {
                re += x[n] * Math.cos(2 * Math.PI * k * n / 512);
                im -= x[n] * Math.sin(2 * Math.PI * k * n / 512);
            }
            assertEquals(re * re + im * im, p[k], 1e-9 * (1 + re * re + im * im), "bin " + k);
        }
    }

    @Test
    void frameCountsFollowSnipEdges() {
        assertEquals(0, KaldiFbank.numFrames(399));
        assertEquals(1, KaldiFbank.numFrames(400));
        assertEquals(1, KaldiFbank.numFrames(559));
        assertEquals(2, KaldiFbank.numFrames(560));
        assertEquals(998, KaldiFbank.numFrames(160000));
    }

    /** Against torchaudio 0.13's kaldi.fbank itself (Debian python3-torchaudio) on a synthetic signal. */
    @Test
    void matchesTorchaudioKaldiFbank() throws Exception {
        Assumptions.assumeTrue(TestMedia.hasTorchaudio(), "/usr/bin/python3 with torchaudio not available");
        Random r = new Random(11);
        float[] x = new float[16000 * 3];
        for (int i = 0; i < x.length; i++) {
            double t = i / 16000.0;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * t) * Math.exp(-(t % 0.5) * 4)
                    + 0.05 * r.nextGaussian() + 0.02);
        }
        for (int i = 16000; i < 20000; i++) {
            x[i] = 0; // a stretch of digital silence
        }
        Map<String, NpyArray> in = new LinkedHashMap<>();
        in.put("x", NpyArray.of(Tensor.of(x, x.length)));
        Npz.write(tmp.resolve("in.npz"), in, false);
        String py = "import numpy as np, torch\nfrom torchaudio.compliance import kaldi\n"
                + "x = torch.from_numpy(np.load(r'" + tmp.resolve("in.npz") + "')['x'])[None]\n"
                + "f = kaldi.fbank(x, htk_compat=True, sample_frequency=16000, use_energy=False,"
                + " window_type='hanning', num_mel_bins=128, dither=0.0, frame_shift=10)\n"
                + "np.savez(r'" + tmp.resolve("out.npz") + "', f=f.numpy())\n";
        TestMedia.run(List.of("/usr/bin/python3", "-c", py));
        NpyArray ref = Npz.read(tmp.resolve("out.npz")).get("f");
        float[] want = ref.toTensor().toArray();
        float[][] got = new KaldiFbank().compute(x);
        assertEquals(ref.shape()[0], got.length);
        double err = 0;
        for (int t = 0; t < got.length; t++) {
            for (int b = 0; b < 128; b++) {
                err = Math.max(err, Math.abs(got[t][b] - want[t * 128 + b]));
            }
        }
        System.out.printf(Locale.ROOT, "kaldi fbank vs torchaudio (synthetic 3 s): max |diff| = %.3g (log units)%n", err);
        assertTrue(err < 1e-3, "max abs diff " + err);
    }
}
