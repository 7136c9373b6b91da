package org.mgsv.annotate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.data.CsvLine;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.Threads;
import org.mgsv.media.audio.AudioDecoder;
import org.mgsv.media.audio.DecodedAudio;
import org.mgsv.media.video.VideoDecoder;

/**
 * Annotates videos against a fingerprinted music library: one MGSV-EC row per video whose background music is
 * found, one reject (video id, reason) per other video.
 */
public final class Annotator {
    public static final String ANNOTATIONS = "annotations.csv";
    public static final String REJECTS = "rejects.csv";
    /** Below this RMS (−80 dBFS) a soundtrack counts as silent. */
    static final double SILENT_RMS = 1e-4;

    /** An annotated video with the match's confidence. */
    public record Row(Annotation annotation, double confidence, Matcher.Match match) {}

    /** A video that got no annotation; {@code failed}: the file itself could not be read. */
    public record Reject(Path file, String videoId, String reason, boolean failed) {}

    /** All rows and rejects, sorted by video id. */
    public record Report(List<Row> rows, List<Reject> rejects) {
        /** Inputs that could not be read at all (unreadable, no video stream, duplicate id). */
        public long failed() {
            return rejects.stream().filter(Reject::failed).count();
        }
    }

    private final FingerprintIndex index;
    private final Matcher matcher;

    /** Reads the tracks' excerpts from their source files. */
    public Annotator(FingerprintIndex index, Matcher.Config config) {
        this(index, config, 1);
    }

    /** Reads the tracks' excerpts from their source files; each video matched on {@code queryThreads} threads. */
    public Annotator(FingerprintIndex index, Matcher.Config config, int queryThreads) {
        this(index, new MusicLibrary.TrackAudio(index), config, queryThreads);
    }

    public Annotator(FingerprintIndex index, Matcher.TrackSource trackAudio, Matcher.Config config) {
        this(index, trackAudio, config, 1);
    }

    /**
     * An annotator whose every video is matched on {@code queryThreads} threads ({@link Matcher}): for latency,
     * one video at a time; {@link #run} with several threads already keeps the cores busy with one video each.
     */
    public Annotator(FingerprintIndex index, Matcher.TrackSource trackAudio, Matcher.Config config, int queryThreads) {
        this.index = index;
        this.matcher = new Matcher(index, trackAudio, config, queryThreads);
    }

    public Matcher matcher() {
        return matcher;
    }

    /** Annotates {@code videos} with {@code threads} at once; {@code onStep} once per video. */
    public Report run(List<Path> videos, int threads, Runnable onStep, java.util.function.Consumer<Reject> onFail) {
        List<Row> rows = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        List<Path> todo = new ArrayList<>();
        for (Path v : videos) {
            String id = MediaFiles.idOf(v);
            Path first = seen.putIfAbsent(id, v);
            if (first != null) {
                Reject r = new Reject(v, id, "unreadable: duplicate video id (also " + first + ")", true);
                rejects.add(r);
                onFail.accept(r);
                onStep.run();
            } else {
                todo.add(v);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), Threads.daemonFactory("annotate"));
        try {
            List<Future<Object>> fs = new ArrayList<>();
            for (Path v : todo) {
                fs.add(pool.submit(() -> {
                    try {
                        return annotate(v);
                    } finally {
                        onStep.run();
                    }
                }));
            }
            for (Future<Object> f : fs) {
                Object o = f.get();
                if (o instanceof Row r) {
                    rows.add(r);
                } else {
                    Reject r = (Reject) o;
                    rejects.add(r);
                    if (r.failed()) {
                        onFail.accept(r);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MgsvException("interrupted while annotating");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MgsvException("annotation failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        rows.sort(Comparator.comparing(r -> r.annotation().videoId()));
        rejects.sort(Comparator.comparing(Reject::videoId));
        return new Report(rows, rejects);
    }

    /** A {@link Row} or a {@link Reject} for one video. */
    public Object annotate(Path video) {
        return annotate(video, null);
    }

    /** {@link #annotate(Path)}, adding each stage's time to {@code stages} when it is not null. */
    public Object annotate(Path video, Stages stages) {
        long t0 = System.nanoTime();
        String id = MediaFiles.idOf(video);
        VideoDecoder.VideoInfo info;
        try {
            info = new VideoDecoder(1, 1).probe(video);
        } catch (MgsvException | IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            if (!m.contains("no video stream")) {
                return new Reject(video, id, "unreadable: " + m, true);
            }
            info = null; // a soundtrack alone: annotated without picture facts (0 × 0, 0 fps)
        }
        long t1 = Stages.lap(stages, Stages.Stage.PROBE, t0);
        DecodedAudio audio;
        try {
            audio = AudioDecoder.decode(video);
        } catch (MgsvException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.startsWith("no audio stream")) {
                return new Reject(video, id, "no audio", false);
            }
            return new Reject(video, id, "unreadable: " + m, true);
        }
        float[] x = MusicLibrary.mono(audio);
        Stages.lap(stages, Stages.Stage.DECODE, t1);
        if (rms(x) < SILENT_RMS) {
            return new Reject(video, id, "no audio (silent soundtrack)", false);
        }
        Matcher.Result res;
        try {
            res = matcher.match(x, stages);
        } catch (MgsvException e) {
            return new Reject(video, id, "unreadable: library track: " + e.getMessage(), true);
        }
        if (!res.accepted()) {
            return new Reject(video, id, res.reject(), false);
        }
        Matcher.Match m = res.match();
        FingerprintIndex.Track t = index.track(m.track());
        double dur = info != null && info.durationSeconds() > 0 ? info.durationSeconds()
                : (double) x.length / Landmarks.SAMPLE_RATE;
        int width = info == null ? 0 : info.width(), height = info == null ? 0 : info.height();
        double fps = info == null ? 0 : info.fps();
        double ve = Math.min(m.videoEnd(), dur);
        double me = m.musicEnd() - (m.videoEnd() - ve);
        Annotation a = new Annotation(id, t.id(), r3(m.videoStart()), r3(ve), r3(m.musicStart()), r3(me),
                r3(t.seconds()), r3(ve - m.videoStart()), r3(me - m.musicStart()), t.path(), r3(dur), width, height,
                (int) Math.round(dur * fps), fps, "");
        return new Row(a, Math.round(m.confidence() * 1000) / 1000.0, m);
    }

    static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return x.length == 0 ? 0 : Math.sqrt(s / x.length);
    }

    private static double r3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    // ------------------------------------------------------------------------------------------- output

    /**
     * Writes {@code out/annotations.csv} (the 16 MGSV-EC columns and {@code confidence}), {@code out/rejects.csv}
     * and, with a split, {@code out/<split>_data.csv} per split; each file appears atomically.
     */
    public static void write(Path out, Report report, Splits.Ratios split, long seed) {
        if (split != null) {
            Map<String, List<Row>> parts = Splits.assign(report.rows(), split, seed);
            for (Map.Entry<String, List<Row>> e : parts.entrySet()) {
                writeRows(out.resolve(e.getKey() + "_data.csv"), e.getValue());
            }
        }
        StringBuilder sb = new StringBuilder("video_id,reason\n");
        for (Reject r : report.rejects()) {
            sb.append(CsvLine.quote(r.videoId())).append(',').append(CsvLine.quote(r.reason()))
                    .append('\n');
        }
        AtomicFiles.writeString(out.resolve(REJECTS), sb.toString());
        writeRows(out.resolve(ANNOTATIONS), report.rows());
    }

    private static void writeRows(Path file, List<Row> rows) {
        List<Annotation> a = new ArrayList<>();
        double[] c = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            a.add(rows.get(i).annotation());
            c[i] = rows.get(i).confidence();
        }
        AnnotationCsv.write(file, a, "confidence", c);
    }

    /** Counts of rejects by reason kind (the text before any ':'), for a summary line. */
    public static Map<String, Integer> rejectKinds(List<Reject> rejects) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Reject r : rejects) {
            int c = r.reason().indexOf(':');
            int p = r.reason().indexOf(" (");
            int cut = c < 0 ? p : p < 0 ? c : Math.min(c, p);
            m.merge(cut < 0 ? r.reason() : r.reason().substring(0, cut), 1, Integer::sum);
        }
        return m;
    }
}
