package org.mgsv.annotate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.Threads;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.audio.Resampler;

/** Fingerprinting of a music library into a {@link FingerprintIndex}, and the tracks' audio for refinement. */
public final class MusicLibrary {
    private MusicLibrary() {}

    /** A file that could not be indexed, and why. */
    public record Failure(Path file, String reason) {}

    /** What {@link #update} did. */
    public record Update(FingerprintIndex index, int added, int present, List<Failure> failures) {}

    /** Decodes any audio FFmpeg reads to mono (channel mean) at {@link Landmarks#SAMPLE_RATE}. */
    public static float[] mono(Path file) {
        return mono(AudioDecoder.decode(file));
    }

    public static float[] mono(DecodedAudio a) {
        return Resampler.resample(a.downmix(), a.sampleRate(), Landmarks.SAMPLE_RATE);
    }

    /**
     * Adds the {@code files} not yet in the index at {@code indexFile} (by id: the file name without extension),
     * fingerprinting {@code threads} files at once; {@code onStep} runs once per file. Unreadable files are
     * returned as failures, never fatal. Commits every 500 tracks, so an interrupted run keeps its progress.
     */
    public static Update update(Path indexFile, List<Path> files, int threads, Runnable onStep,
            java.util.function.Consumer<Failure> onFailure) {
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        int added = 0, present = 0;
        try (FingerprintIndex.Writer w = new FingerprintIndex.Writer(indexFile)) {
            List<Path> todo = new ArrayList<>();
            Map<String, Path> seen = new LinkedHashMap<>();
            for (Path f : files) {
                String id = MediaFiles.idOf(f);
                Path first = seen.putIfAbsent(id, f);
                if (first != null) {
                    Failure fl = new Failure(f, "duplicate track id " + id + " (also " + first + ")");
                    failures.add(fl);
                    onFailure.accept(fl);
                    onStep.run();
                } else if (w.contains(id)) {
                    present++;
                    onStep.run();
                } else {
                    todo.add(f);
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads),
                    Threads.daemonFactory("fingerprint"));
            try {
                List<Future<?>> fs = new ArrayList<>();
                int[] sinceCommit = {0};
                for (Path f : todo) {
                    fs.add(pool.submit(() -> {
                        try {
                            float[] x = mono(f);
                            Landmarks.Prints p = Landmarks.of(x, Landmarks.INDEX);
                            FingerprintIndex.Track t = new FingerprintIndex.Track(MediaFiles.idOf(f),
                                    f.toString(), (double) x.length / Landmarks.SAMPLE_RATE, Files.size(f),
                                    Files.getLastModifiedTime(f).toMillis());
                            synchronized (w) {
                                w.add(t, p);
                                if (++sinceCommit[0] >= 500) {
                                    w.commit();
                                    sinceCommit[0] = 0;
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            Failure fl = new Failure(f, e.getMessage());
                            failures.add(fl);
                            onFailure.accept(fl);
                        } finally {
                            onStep.run();
                        }
                    }));
                }
                for (Future<?> fu : fs) {
                    fu.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MgsvException("interrupted while fingerprinting");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new MgsvException("fingerprinting failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
            added = todo.size() - (int) failures.stream().filter(fl -> todo.contains(fl.file())).count();
            FingerprintIndex idx = w.commit();
            return new Update(idx, added, present, List.copyOf(failures));
        }
    }

    /**
     * Excerpts of the tracks' mono audio at {@link Landmarks#SAMPLE_RATE}, decoded from their source files on
     * demand up to the end of the window asked for (a second more for the resampler), and nothing is kept, so
     * memory does not grow with the library and no track is decoded past what a query needs.
     */
    public static final class TrackAudio implements Matcher.TrackSource {
        private final FingerprintIndex index;

        public TrackAudio(FingerprintIndex index) {
            this.index = index;
        }

        @Override
        public float[] window(int track, long from, int length) {
            FingerprintIndex.Track t = index.track(track);
            long sr = Landmarks.SAMPLE_RATE;
            long total = (long) Math.ceil(t.seconds() * sr);
            if (from + length <= 0 || from >= total) {
                return new float[length];
            }
            // decoded from the start, not from a seek: a seek in a compressed stream (OGG Vorbis) places the samples a
            // few milliseconds off, which the sub-frame offset would inherit; decoding stops a second after the window
            long seconds = Math.floorDiv(from + length + sr - 1, sr) + 1;
            return Matcher.slice(mono(AudioDecoder.decode(Path.of(t.path()), seconds)), from, length);
        }
    }
}
