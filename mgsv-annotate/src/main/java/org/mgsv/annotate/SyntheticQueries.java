package org.mgsv.annotate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mgsv.core.MgsvException;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.audio.Resampler;

/**
 * Generated query videos with known ground truth, from real recordings: a moment of a track with optional
 * pre-roll (the video starts before the music), post-roll (music cut early), fades, gain and EQ, voice-over
 * synthesised by {@code espeak-ng} at a chosen music-to-speech ratio, background noise, then re-encoded by the
 * {@code ffmpeg} command line (AAC, Opus or MP3 at a given bit rate, mono or stereo, any sample rate), optionally
 * muxed with a small video stream. Used by the tests and by {@code mgsv bench annotate}.
 */
public final class SyntheticQueries {
    /** Mixing rate. */
    public static final int RATE = 22050;

    /**
     * One query. {@code musicDb}: music-to-speech ratio in dB (NaN: no speech); {@code music} false: no music
     * (speech and noise only); {@code codec}: aac, opus or mp3.
     */
    public record Spec(String id, boolean music, double musicStart, double length, double preRoll, double postRoll,
            double fadeIn, double fadeOut, double musicDb, double noiseDb, double gain, double tilt, String codec,
            int bitrateK, int sampleRate, int channels) {
        public double videoStart() {
            return preRoll;
        }

        public double videoEnd() {
            return preRoll + length;
        }

        public double musicEnd() {
            return musicStart + length;
        }

        public double duration() {
            return preRoll + length + postRoll;
        }
    }

    private final Path work;
    private final List<float[]> speech = new ArrayList<>();

    /** {@code work}: a scratch folder (speech clips are made there once). */
    public SyntheticQueries(Path work) {
        this.work = work;
    }

    public static boolean toolsAvailable() {
        return onPath("ffmpeg") && onPath("espeak-ng");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static final String[] TEXTS = {
        "Welcome back everyone. Today I am going to show you how we made this little project in our garden, "
                + "step by step, with the tools we had at home. First we measured the space and then we cut the wood.",
        "Oh my goodness, look at this view. We drove for three hours to get here and it was totally worth it. "
                + "The water is so clear, you can see the fish right there. Let me know in the comments what you think.",
        "Okay so this recipe is super easy. You need two eggs, a cup of flour, some milk and a pinch of salt. "
                + "Mix everything together, let it rest for ten minutes, and then heat up the pan really well.",
        "Number three on our list is the one nobody expects. It looks ordinary from the outside, but once you "
                + "step inside you will understand why people travel from all over the world to see it.",
    };
    private static final String[] VOICES = {"en-us", "en-gb", "en-us+f3", "en-gb-scotland"};

    /** Speech clip {@code i} (cycled) at {@link #RATE}, made by espeak-ng on first use. */
    public synchronized float[] speech(int i) {
        while (speech.size() < TEXTS.length) {
            int k = speech.size();
            Path wav = work.resolve("speech-" + k + ".wav");
            run(List.of("espeak-ng", "-v", VOICES[k % VOICES.length], "-s", String.valueOf(150 + 15 * k), "-w",
                    wav.toString(), TEXTS[k]));
            DecodedAudio a = AudioDecoder.decode(wav);
            speech.add(Resampler.resample(a.downmix(), a.sampleRate(), RATE));
        }
        return speech.get(Math.floorMod(i, speech.size()));
    }

    /** A track's audio at {@link #RATE}, mono. */
    public static float[] load(Path track) {
        DecodedAudio a = AudioDecoder.decode(track);
        return Resampler.resample(a.downmix(), a.sampleRate(), RATE);
    }

    /** The mixture of {@code s} ({@code track} at {@link #RATE}, may be null when {@code s.music()} is false). */
    public float[] render(Spec s, float[] track, int speechClip, long seed) {
        Random rnd = new Random(seed);
        int pre = (int) Math.round(s.preRoll() * RATE);
        int len = (int) Math.round(s.length() * RATE);
        int n = Math.max(pre + len, (int) Math.round(s.duration() * RATE));
        float[] out = new float[n];
        double musicRms = 0.1;
        if (s.music()) {
            int from = (int) Math.round(s.musicStart() * RATE);
            if (from + len > track.length) {
                throw new MgsvException("moment " + s.musicStart() + "+" + s.length() + " s exceeds the track ("
                        + (double) track.length / RATE + " s)");
            }
            int fi = (int) Math.round(s.fadeIn() * RATE), fo = (int) Math.round(s.fadeOut() * RATE);
            double lp = 0;
            double a = Math.exp(-2 * Math.PI * 1500.0 / RATE); // one-pole low-pass for the EQ tilt
            double sum = 0;
            for (int i = 0; i < len; i++) {
                double g = s.gain();
                if (i < fi) {
                    g *= (double) i / fi;
                }
                if (i >= len - fo) {
                    g *= (double) (len - i) / fo;
                }
                double x = track[from + i];
                lp = a * lp + (1 - a) * x;
                // tilt > 0 boosts lows, < 0 boosts highs
                double y = x + s.tilt() * (s.tilt() > 0 ? lp : (x - lp));
                out[pre + i] = (float) (g * y);
                sum += out[pre + i] * out[pre + i];
            }
            musicRms = Math.sqrt(sum / Math.max(1, len));
        }
        if (!Double.isNaN(s.musicDb())) {
            float[] sp = speech(speechClip);
            double ss = 0;
            int start = rnd.nextInt(sp.length);
            for (int i = 0; i < n; i++) {
                float v = sp[(start + i) % sp.length];
                ss += v * v;
            }
            double speechRms = Math.sqrt(ss / n);
            double k = speechRms > 0 ? musicRms / Math.pow(10, s.musicDb() / 20) / speechRms : 0;
            for (int i = 0; i < n; i++) {
                out[i] += (float) (k * sp[(start + i) % sp.length]);
            }
        }
        if (!Double.isNaN(s.noiseDb())) {
            double amp = musicRms * Math.pow(10, -s.noiseDb() / 20);
            double lp = 0;
            for (int i = 0; i < n; i++) {
                double w = rnd.nextGaussian();
                lp = 0.9 * lp + 0.1 * w; // brownish room noise plus some hiss
                out[i] += (float) (amp * (0.7 * lp * 3 + 0.3 * w));
            }
        }
        return out;
    }

    /**
     * Encodes {@code pcm} (at {@link #RATE}) as {@code s.codec()}; {@code video}: muxed with a 160x120 video
     * stream into .mp4 (aac, mp3) or .mkv (opus), else an audio file. Returns the file.
     */
    public Path encode(Spec s, float[] pcm, Path dir, boolean video) {
        Path wav = work.resolve(s.id() + ".wav");
        writeWav(wav, pcm, RATE);
        String ext;
        List<String> codec;
        switch (s.codec()) {
            case "aac" -> {
                ext = video ? "mp4" : "m4a";
                codec = List.of("-c:a", "aac");
            }
            case "opus" -> {
                ext = video ? "mkv" : "opus";
                codec = List.of("-c:a", "libopus");
            }
            case "mp3" -> {
                ext = video ? "mp4" : "mp3";
                codec = List.of("-c:a", "libmp3lame");
            }
            default -> throw new MgsvException("unknown codec " + s.codec());
        }
        Path out = dir.resolve(s.id() + "." + ext);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error"));
        if (video) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "color=c=gray:s=160x120:r=10:d=" + s.duration()));
        }
        cmd.addAll(List.of("-i", wav.toString()));
        if (video) {
            cmd.addAll(List.of("-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p"));
        }
        cmd.addAll(codec);
        int rate = s.sampleRate();
        if (s.codec().equals("opus") && !List.of(8000, 12000, 16000, 24000, 48000).contains(rate)) {
            rate = 48000; // the rates Opus codes
        }
        cmd.addAll(List.of("-b:a", s.bitrateK() + "k", "-ar", String.valueOf(rate), "-ac",
                String.valueOf(s.channels())));
        cmd.add(out.toString());
        run(cmd);
        try {
            Files.deleteIfExists(wav);
        } catch (IOException ignored) {
            // scratch
        }
        return out;
    }

    /** A video without an audio stream. */
    public static Path silentVideo(Path file, double seconds) {
        run(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                "color=c=gray:s=160x120:r=10:d=" + seconds, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                "yuv420p", file.toString()));
        return file;
    }

    /** 16-bit mono WAV. */
    public static void writeWav(Path file, float[] pcm, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * pcm.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * pcm.length);
        for (float v : pcm) {
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
        }
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new MgsvException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new MgsvException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MgsvException("interrupted running " + cmd.get(0));
        }
    }

    /** A random query spec of a track of {@code trackSeconds}, moment ≥ {@code minLen} s. */
    public static Spec randomSpec(String id, Random rnd, double trackSeconds, double minLen, double maxLen,
            double musicDb, String codec) {
        double len = Math.min(trackSeconds - 1, minLen + rnd.nextDouble() * (maxLen - minLen));
        double ms = rnd.nextDouble() * Math.max(0, trackSeconds - len - 0.5);
        double pre = rnd.nextDouble() < 0.5 ? 0 : 0.5 + 2.5 * rnd.nextDouble();
        double post = rnd.nextDouble() < 0.5 ? 0 : 0.5 + 2.0 * rnd.nextDouble();
        double fi = rnd.nextDouble() < 0.3 ? 0.3 + rnd.nextDouble() : 0;
        double fo = rnd.nextDouble() < 0.3 ? 0.3 + rnd.nextDouble() : 0;
        int[] rates = {22050, 32000, 44100, 48000};
        return new Spec(id, true, round3(ms), round3(len), round3(pre), round3(post), round3(fi), round3(fo), musicDb,
                20 + 10 * rnd.nextDouble(), 0.3 + 0.9 * rnd.nextDouble(), 0.8 * (rnd.nextDouble() - 0.5), codec,
                64, rates[rnd.nextInt(rates.length)], 1 + rnd.nextInt(2));
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
