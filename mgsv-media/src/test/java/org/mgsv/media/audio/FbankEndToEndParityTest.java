package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mgsv.core.tensor.Npy;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.media.encode.FbankWindows;

/**
 * End to end from the original recording of {@code golden/fbank-A} (Debian package wesnoth-1.16-music,
 * frantic.ogg, GPL-2+): our FFmpeg decoder (+ the loader's 16-bit Vorbis quantisation,
 * {@link DecodedAudio#referencePcm()}) + resampler + fbank against upstream's torchaudio (sox_io/libvorbis).
 * Remaining differences: FFmpeg's and libvorbis' float decoders round differently (a sample near a 16-bit
 * rounding boundary lands one step apart) and float accumulation order. Measured on this recording: resampled
 * waveform max 2.0e-5 absolute; windows 0/1/10 max 4.0e-4, window 65 max 2.0e-3 absolute per bin, mean ≈ 2e-6
 * (the largest differences sit in near-silent bins, where the log magnifies tiny absolute differences). The
 * tolerances leave a margin over those measurements.
 */
class FbankEndToEndParityTest {
    static final double WAVE_TOL = 1e-4;
    static final double WINDOW_TOL = 5e-3;
    static final double WINDOW_MEAN_TOL = 2e-5;

    static Path recording() {
        for (String p : new String[] {
            "/usr/share/games/wesnoth/1.16/data/core/music/frantic.ogg",
            "/usr/share/wesnoth/1.16/data/core/music/frantic.ogg"
        }) {
            Path f = Path.of(p);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        Assumptions.abort("wesnoth-1.16-music (frantic.ogg) not installed");
        return null;
    }

    @Test
    void decodeResampleFbankMatchesTorchaudio() {
        Path dir = FbankGoldenParityTest.golden();
        Path ogg = recording();
        DecodedAudio a = AudioDecoder.decode(ogg);
        assertEquals(44100, a.sampleRate());
        assertEquals(2, a.numChannels());
        AstFrontEnd fe = new AstFrontEnd(AstFrontEnd.Channels.FIRST, 2);
        float[] wave = fe.waveform16k(a);
        assertEquals(2604345, wave.length, "resampled length (meta.json resampled_samples)");

        float[] ref = Npy.read(dir.resolve("waveform16k_ch0_first60s.npy")).toArray();
        double waveErr = 0;
        for (int i = 0; i < ref.length; i++) {
            waveErr = Math.max(waveErr, Math.abs(ref[i] - wave[i]));
        }
        System.out.printf(Locale.ROOT, "frantic.ogg resampled channel 0 vs torchaudio (first 60 s): max |diff| = %.3g%n", waveErr);
        assertTrue(waveErr <= WAVE_TOL, "waveform max abs diff " + waveErr);

        float[] mono = Npy.read(dir.resolve("waveform16k_mono_first60s.npy")).toArray();
        float[] down = new AstFrontEnd(AstFrontEnd.Channels.DOWNMIX, 2).waveform16k(a);
        double monoErr = 0;
        for (int i = 0; i < mono.length; i++) {
            monoErr = Math.max(monoErr, Math.abs(mono[i] - down[i]));
        }
        System.out.printf(Locale.ROOT, "frantic.ogg down-mix vs torchaudio mean of resampled channels: max |diff| = %.3g%n", monoErr);
        assertTrue(monoErr <= WAVE_TOL, "down-mix max abs diff " + monoErr);

        FbankWindows fw = fe.compute(wave);
        Map<String, NpyArray> npz = Npz.read(dir.resolve("fbank.npz"));
        assertArrayEquals(npz.get("mask").toTensor().toArray(), fw.mask(), "mask");
        assertEquals(162.7715625, fw.durationSeconds(), 1e-9);
        for (int s : new int[] {0, 1, 10, 65}) {
            float[] r = npz.get("fbank_win" + s).toTensor().toArray();
            double err = FbankGoldenParityTest.maxAbs(fw.windows()[s], r);
            double sum = 0;
            for (int i = 0; i < r.length; i++) {
                sum += Math.abs(fw.windows()[s][i] - r[i]);
            }
            System.out.printf(Locale.ROOT, "frantic.ogg end to end window %d: max |diff| = %.3g, mean |diff| = %.3g%n",
                    s, err, sum / r.length);
            assertTrue(err <= WINDOW_TOL, "window " + s + " max abs diff " + err);
            assertTrue(sum / r.length <= WINDOW_MEAN_TOL, "window " + s + " mean abs diff " + sum / r.length);
        }
    }
}
