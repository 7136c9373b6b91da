package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.core.MgsvException;
import org.mgsv.core.tensor.NpyArray;
import org.mgsv.core.tensor.Npz;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.util.Threads;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.audio.KaldiFbank;
import org.mgsv.media.encode.FbankWindows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgsv fbank}: the AST front end's normalised fbank windows of one audio file, as .npz. */
@Command(
        name = "fbank",
        mixinStandardHelpOptions = true,
        description = {
            "Write the AST music front end's normalised Kaldi fbank windows of one audio file as .npz.",
            "",
            "The track is decoded, resampled to 16 kHz, channel 0 taken (as the reference; --downmix averages "
                    + "the channels), padded/cut to 240 s and cut into 96 windows of 10 s centred every 2.5 s. "
                    + "The .npz holds window_<i> float32[1024,128] for each selected window and mask float32[96] "
                    + "(1 = the window's centre lies within the track).",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mgsv fbank --audio song.mp3 --out song-windows.npz",
            "  mgsv fbank --audio song.ogg --windows 0,1,10,last --out w.npz",
            "  mgsv fbank --audio clip.mp4 --windows all --downmix --out w.npz",
            "  python3 -c \"import numpy as np; print(np.load('w.npz')['mask'])\""
        })
public final class FbankCommand implements Callable<Integer> {
    @Option(names = "--audio", required = true, paramLabel = "<file>",
            description = "Audio or video file (any container/codec FFmpeg reads).")
    Path audio;

    @Option(names = "--windows", defaultValue = "0,1,10,last", paramLabel = "<list>",
            description = "Comma-separated window indices 0..95, 'last' (the last valid window) or 'all'."
                    + " Default: ${DEFAULT-VALUE}.")
    String windows;

    @Option(names = "--out", required = true, paramLabel = "<windows.npz>", description = "Output .npz file.")
    Path out;

    @Option(names = "--downmix", description = "Average all channels instead of taking channel 0 (the reference"
            + " takes channel 0; features then differ from the published ones).")
    boolean downmix;

    @Override
    public Integer call() {
        AstFrontEnd fe = new AstFrontEnd(downmix ? AstFrontEnd.Channels.DOWNMIX : AstFrontEnd.Channels.FIRST,
                Threads.defaultCount());
        DecodedAudio decoded = AudioDecoder.decode(audio, AstFrontEnd.DECODE_SECONDS);
        float[] wave = fe.waveform16k(decoded);
        if (wave.length == 0) {
            throw new MgsvException("no audio samples in " + audio);
        }
        float[] mask = AstFrontEnd.mask(wave.length);
        int[] sel = parseWindows(windows, mask);
        float[][] win = fe.computeWindows(wave, sel);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (int i = 0; i < sel.length; i++) {
            arrays.put("window_" + sel[i],
                    NpyArray.of(Tensor.wrap(win[i], FbankWindows.FRAMES, FbankWindows.MEL_BINS)));
        }
        arrays.put("mask", NpyArray.of(Tensor.wrap(mask, FbankWindows.WINDOWS)));
        Npz.write(out, arrays, false);
        int valid = 0;
        for (float m : mask) {
            valid += m > 0 ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "%s: %.2f s, %d valid windows; wrote %d window(s) %s and mask to %s%n", audio,
                decoded.cutAtLimit() ? decoded.totalSeconds() : (double) wave.length / KaldiFbank.SAMPLE_RATE, valid, sel.length,
                sel.length <= 12 ? java.util.Arrays.toString(sel) : "(" + sel.length + ")", out);
        return 0;
    }

    static int[] parseWindows(String spec, float[] mask) {
        int last = 0;
        for (int s = 0; s < mask.length; s++) {
            if (mask[s] > 0) {
                last = s;
            }
        }
        LinkedHashSet<Integer> set = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("all")) {
                for (int s = 0; s < FbankWindows.WINDOWS; s++) {
                    set.add(s);
                }
            } else if (p.equals("last")) {
                set.add(last);
            } else {
                int s;
                try {
                    s = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new MgsvException("--windows: '" + p + "' is not a window index, 'last' or 'all'");
                }
                if (s < 0 || s >= FbankWindows.WINDOWS) {
                    throw new MgsvException("--windows: index " + s + " outside 0.." + (FbankWindows.WINDOWS - 1));
                }
                set.add(s);
            }
        }
        if (set.isEmpty()) {
            throw new MgsvException("--windows: no window selected");
        }
        List<Integer> l = new ArrayList<>(set);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
