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
import java.util.concurrent.atomic.AtomicLong;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.Threads;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.audio.Resampler;
import org.mgsv.media.audio.SeekMarks;

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

    /** A file's index entry (with its seek marks) and landmarks, and its mono audio, from one decode. */
    public record Fingerprinted(FingerprintIndex.Track track, Landmarks.Prints prints, float[] mono) {}

    /** Decodes {@code file} once and fingerprints it (id = the file name without extension). */
    public static Fingerprinted fingerprint(Path file) throws IOException {
        DecodedAudio a = AudioDecoder.decode(file);
        float[] downmix = a.downmix();
        SeekMarks marks = SeekMarks.of(downmix, a.sampleRate());
        float[] x = Resampler.resample(downmix, a.sampleRate(), Landmarks.SAMPLE_RATE);
        Landmarks.Prints p = Landmarks.of(x, Landmarks.INDEX);
        FingerprintIndex.Track t = new FingerprintIndex.Track(MediaFiles.idOf(file), file.toString(),
                (double) x.length / Landmarks.SAMPLE_RATE, Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                marks);
        return new Fingerprinted(t, p, x);
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
                            Fingerprinted fp = fingerprint(f);
                            synchronized (w) {
                                w.add(fp.track(), fp.prints());
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
     * demand, and nothing is kept, so memory does not grow with the library. An excerpt past the track's first
     * samples is decoded from a seek placed exactly by the track's {@link SeekMarks} (from a whole resampling period
     * a little before it, so that, resampled alone, it is sample for sample the whole track's resampled excerpt); a track without
     * marks, or whose marks do not confirm the seek (an AAC file, a file changed since indexing), is decoded from
     * its start up to a second past the window.
     */
    public static final class TrackAudio implements Matcher.TrackSource {
        private final FingerprintIndex index;
        private final AtomicLong seeks = new AtomicLong();
        private final AtomicLong fromStart = new AtomicLong();

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
            long endSecond = Math.floorDiv(from + length + sr - 1, sr) + 1; // a second past the window
            SeekMarks m = t.marks();
            if (m.size() > 0) {
                // the excerpt starts and ends on whole resampling periods (p native samples give q output
                // samples), so its outputs fall on the whole track's output grid, and MARGIN output samples
                // beyond the window on each side keep the resampler's edges outside it
                int rate = m.sampleRate();
                Resampler periods = Resampler.of(rate, Landmarks.SAMPLE_RATE);
                long p = periods.inputPeriod(), q = periods.outputPeriod();
                long k0 = Math.floorDiv(from - MARGIN, q) * q;
                long k1 = -Math.floorDiv(-(from + length + MARGIN), q) * q;
                if (k0 > 0) {
                    float[] excerpt = m.window(Path.of(t.path()), k0 / q * p, (int) ((k1 - k0) / q * p));
                    if (excerpt != null) {
                        seeks.incrementAndGet();
                        return Matcher.slice(Resampler.resample(excerpt, rate, Landmarks.SAMPLE_RATE), from - k0,
                                length);
                    }
                }
            }
            fromStart.incrementAndGet();
            return Matcher.slice(mono(AudioDecoder.decode(Path.of(t.path()), endSecond)), from, length);
        }

        /**
         * Output samples decoded beyond a window on each side (46 ms): more than the resampler's filter reaches
         * (its half-width plus one period, a few hundred native samples at most for the rates of music files).
         */
        static final int MARGIN = 512;

        /** Excerpts decoded from a seek so far. */
        public long seeks() {
            return seeks.get();
        }

        /** Excerpts decoded from the track's start so far. */
        public long decodesFromStart() {
            return fromStart.get();
        }
    }
}
