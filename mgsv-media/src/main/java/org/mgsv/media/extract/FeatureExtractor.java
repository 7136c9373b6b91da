package org.mgsv.media.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.CsvLine;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;
import org.mgsv.core.util.AtomicFiles;
import org.mgsv.core.util.Threads;
import org.mgsv.media.audio.AstFrontEnd;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.video.VideoDecoder;

/**
 * Extracts MGSV features from raw media into the published layout:
 * <pre>
 * &lt;out&gt;/vit_feature1/vit_feature/&lt;id&gt;.pt     [50, 512]  (rows past the video's end are zero)
 * &lt;out&gt;/vit_feature1/vit_mask/&lt;id&gt;.pt        [50]       (1 = frame present)
 * &lt;out&gt;/ast_feature2p5/ast_feature/&lt;id&gt;.pt  [96, 768]  (masked windows zero)
 * &lt;out&gt;/ast_feature2p5/ast_mask/&lt;id&gt;.pt     [96]       (1 = window centre within the track)
 * &lt;out&gt;/videos.csv   video_id,file,duration,frames,fps,width,height,encoder
 * &lt;out&gt;/music.csv    music_id,file,duration,windows,encoder
 * </pre>
 * The id of a file is {@link MediaFiles#idOf} (its name without the last extension: {@code 1234.mp4} →
 * {@code 1234}); two inputs of one kind with the same id ({@code sad.OGG}, {@code sad.mp3}) are an error for the
 * second. A file counts as done when its feature and mask files exist and its
 * CSV row names the same encoder; done files are skipped. Each tensor file is written atomically and the row is
 * added after both; the CSVs are rewritten (atomically) at least every 5 s, at the end and on JVM shutdown
 * (Ctrl-C), so an interrupted run redoes at most the few files finished since the last write. A file that fails
 * (corrupt, truncated, no video/audio stream, not media at all) is reported with the reason and skipped; the
 * batch goes on.
 */
public final class FeatureExtractor {
    public static final String VIDEO_ROOT = "vit_feature1";
    public static final String MUSIC_ROOT = "ast_feature2p5";
    public static final String VIDEO_CSV = "videos.csv";
    public static final String MUSIC_CSV = "music.csv";
    public static final String VIDEO_HEADER = "video_id,file,duration,frames,fps,width,height,encoder";
    public static final String MUSIC_HEADER = "music_id,file,duration,windows,encoder";

    /** What kind of input. */
    public enum Kind { VIDEO, MUSIC }

    /** One input that could not be extracted. */
    public record Failure(Kind kind, Path file, String reason) {}

    /** The outcome of a run. */
    public record Report(int videosExtracted, int musicExtracted, int skipped, List<Failure> failures) {}

    private final Path out;
    private final FrameEncoder frameEncoder;
    private final SegmentEncoder segmentEncoder;
    private final AstFrontEnd frontEnd;
    private final VideoDecoder videoDecoder;
    private final Map<String, String[]> videoRows;
    private final Map<String, String[]> musicRows;
    private long lastCsvWrite;

    /**
     * @param frameEncoder   for videos (null when no videos are extracted)
     * @param segmentEncoder for music (null when no music is extracted)
     */
    public FeatureExtractor(Path out, FrameEncoder frameEncoder, SegmentEncoder segmentEncoder, AstFrontEnd frontEnd,
                            VideoDecoder videoDecoder) {
        this.out = out;
        this.frameEncoder = frameEncoder;
        this.segmentEncoder = segmentEncoder;
        this.frontEnd = frontEnd;
        this.videoDecoder = videoDecoder;
        this.videoRows = readCsv(out.resolve(VIDEO_CSV), VIDEO_HEADER);
        this.musicRows = readCsv(out.resolve(MUSIC_CSV), MUSIC_HEADER);
    }

    public Path videoFeature(String id) {
        return out.resolve(VIDEO_ROOT).resolve("vit_feature").resolve(id + ".pt");
    }

    public Path videoMask(String id) {
        return out.resolve(VIDEO_ROOT).resolve("vit_mask").resolve(id + ".pt");
    }

    public Path musicFeature(String id) {
        return out.resolve(MUSIC_ROOT).resolve("ast_feature").resolve(id + ".pt");
    }

    public Path musicMask(String id) {
        return out.resolve(MUSIC_ROOT).resolve("ast_mask").resolve(id + ".pt");
    }

    /** The index row written for {@code id} (as in videos.csv / music.csv), or null. */
    public synchronized String[] row(Kind kind, String id) {
        String[] r = (kind == Kind.VIDEO ? videoRows : musicRows).get(id);
        return r == null ? null : r.clone();
    }

    /** True when {@code id} has complete features made with the current encoder. */
    public boolean isDone(Kind kind, String id) {
        String[] row;
        synchronized (this) {
            row = (kind == Kind.VIDEO ? videoRows : musicRows).get(id);
        }
        // a feature file cut short after extraction (disk trouble, a copy interrupted) is redone, not skipped
        if (kind == Kind.VIDEO) {
            return row != null && frameEncoder != null && row[7].equals(frameEncoder.name())
                    && complete(videoFeature(id)) && complete(videoMask(id));
        }
        return row != null && segmentEncoder != null && row[4].equals(segmentEncoder.name())
                && complete(musicFeature(id)) && complete(musicMask(id));
    }

    private static boolean complete(Path tensorFile) {
        return Files.isRegularFile(tensorFile) && TorchSave.looksComplete(tensorFile);
    }

    /**
     * Extracts every input, skipping done ones and reporting failures; {@code onStep} is called once per input
     * (for a progress bar), {@code onFailure} as each failure happens.
     */
    public Report run(List<Path> videos, List<Path> music, Runnable onStep, Consumer<Failure> onFailure) {
        return run(videos, music, 1, onStep, onFailure);
    }

    /**
     * As {@link #run(List, List, Runnable, Consumer)} with {@code jobs} files in flight at once (the encoders and
     * the front end are thread-safe); failures are reported in input order.
     */
    public Report run(List<Path> videos, List<Path> music, int jobs, Runnable onStep, Consumer<Failure> onFailure) {
        record Task(Kind kind, Path file, String duplicateOf) {}
        List<Task> tasks = new ArrayList<>();
        MediaFiles.IdClaims videoIds = new MediaFiles.IdClaims();
        MediaFiles.IdClaims musicIds = new MediaFiles.IdClaims();
        for (Path f : videos) {
            tasks.add(new Task(Kind.VIDEO, f, videoIds.claim(MediaFiles.idOf(f), f.toString())));
        }
        for (Path f : music) {
            tasks.add(new Task(Kind.MUSIC, f, musicIds.claim(MediaFiles.idOf(f), f.toString())));
        }
        // 0 = extracted, 1 = skipped, 2 = failed
        int[] outcome = new int[tasks.size()];
        Failure[] failed = new Failure[tasks.size()];
        java.util.function.IntConsumer work = i -> {
            Task t = tasks.get(i);
            String id = MediaFiles.idOf(t.file());
            try {
                if (t.duplicateOf() != null) {
                    throw new MgsvException(MediaFiles.IdClaims.collision(t.kind() == Kind.VIDEO ? "video" : "music",
                            id, t.file().toString(), t.duplicateOf()));
                }
                if (isDone(t.kind(), id)) {
                    outcome[i] = 1;
                } else if (t.kind() == Kind.VIDEO) {
                    extractVideo(t.file());
                } else {
                    extractMusic(t.file());
                }
            } catch (RuntimeException e) {
                outcome[i] = 2;
                failed[i] = new Failure(t.kind(), t.file(), reason(t.file(), e));
                synchronized (onFailure) {
                    onFailure.accept(failed[i]);
                }
            }
            onStep.run();
        };
        if (jobs <= 1 || tasks.size() <= 1) {
            for (int i = 0; i < tasks.size(); i++) {
                work.accept(i);
            }
        } else {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                    Math.min(jobs, tasks.size()), Threads.daemonFactory("extract"));
            try {
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < tasks.size(); i++) {
                    int k = i;
                    futures.add(pool.submit(() -> work.accept(k)));
                }
                for (java.util.concurrent.Future<?> fu : futures) {
                    fu.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MgsvException("extraction interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
            } finally {
                pool.shutdownNow();
            }
        }
        flushCsv();
        int v = 0;
        int m = 0;
        int skipped = 0;
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (outcome[i] == 2) {
                failures.add(failed[i]);
            } else if (outcome[i] == 1) {
                skipped++;
            } else if (tasks.get(i).kind() == Kind.VIDEO) {
                v++;
            } else {
                m++;
            }
        }
        return new Report(v, m, skipped, failures);
    }

    private static String reason(Path f, RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // messages usually start with the file's path; the report prints the path once
        String p = f.toString();
        if (msg.startsWith(p + ": ")) {
            msg = msg.substring(p.length() + 2);
        } else if (msg.startsWith(p)) {
            msg = msg.substring(p.length()).replaceFirst("^[:\\s]+", "");
        }
        // JavaCV's raw "avformat_open_input() error -N: ... (For more details ...)" → FFmpeg's own text
        java.util.regex.Matcher raw = java.util.regex.Pattern.compile("\\(?\\w+\\(\\) error -\\d+:.*$").matcher(msg);
        if (raw.find()) {
            String text = VideoDecoder.ffmpegReason(raw.group());
            msg = msg.substring(0, raw.start()) + (raw.group().startsWith("(") ? "(" + text + ")" : text);
        }
        if (!(e instanceof MgsvException) && !(e instanceof UncheckedIOException)) {
            msg = e.getClass().getSimpleName() + ": " + msg;
        }
        return msg;
    }

    /** Decodes, encodes and writes one video's features; returns the number of frames. */
    public int extractVideo(Path file) {
        if (frameEncoder == null) {
            throw new IllegalStateException("no frame encoder");
        }
        String id = MediaFiles.idOf(file);
        List<RgbFrame> frames = new ArrayList<>();
        VideoDecoder.VideoInfo info = videoDecoder.decode(file, f -> frames.add(frameEncoder.prepare(f)));
        int slots = VideoDecoder.MAX_FRAMES;
        int dim = frameEncoder.dim();
        float[][] emb = frameEncoder.encode(frames);
        float[] feat = new float[slots * dim];
        float[] mask = new float[slots];
        for (int i = 0; i < emb.length && i < slots; i++) {
            System.arraycopy(emb[i], 0, feat, i * dim, dim);
            mask[i] = 1;
        }
        checkFinite(file, feat);
        TorchSave.write(videoFeature(id), Tensor.of(feat, slots, dim));
        TorchSave.write(videoMask(id), Tensor.of(mask, slots));
        putRow(videoRows, id, new String[] {id, file.toString(), fmt(info.durationSeconds()), Integer.toString(frames.size()),
            fmt(info.fps()), Integer.toString(info.width()), Integer.toString(info.height()), frameEncoder.name()});
        maybeFlushCsv();
        return frames.size();
    }

    /** Decodes, windows, encodes and writes one track's features; returns the number of valid windows. */
    public int extractMusic(Path file) {
        if (segmentEncoder == null) {
            throw new IllegalStateException("no segment encoder");
        }
        String id = MediaFiles.idOf(file);
        FbankWindows w = frontEnd.compute(file);
        float[][] emb = segmentEncoder.encode(w);
        int slots = FbankWindows.WINDOWS;
        int dim = segmentEncoder.dim();
        float[] feat = new float[slots * dim];
        int valid = 0;
        for (int s = 0; s < slots; s++) {
            if (w.mask()[s] != 0) {
                System.arraycopy(emb[s], 0, feat, s * dim, dim);
                valid++;
            }
        }
        checkFinite(file, feat);
        TorchSave.write(musicFeature(id), Tensor.of(feat, slots, dim));
        TorchSave.write(musicMask(id), Tensor.of(w.mask().clone(), slots));
        putRow(musicRows, id, new String[] {id, file.toString(), fmt(w.durationSeconds()), Integer.toString(valid),
            segmentEncoder.name()});
        maybeFlushCsv();
        return valid;
    }

    private static void checkFinite(Path file, float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new MgsvException(file + ": the encoder produced a non-finite value at index " + i);
            }
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private synchronized void putRow(Map<String, String[]> rows, String id, String[] row) {
        rows.put(id, row);
    }

    private synchronized void maybeFlushCsv() {
        long now = System.nanoTime();
        if (now - lastCsvWrite > 5_000_000_000L) {
            flushCsv();
        }
    }

    /** Writes both CSVs (atomically). */
    public synchronized void flushCsv() {
        lastCsvWrite = System.nanoTime();
        if (!videoRows.isEmpty()) {
            writeCsv(out.resolve(VIDEO_CSV), VIDEO_HEADER, videoRows);
        }
        if (!musicRows.isEmpty()) {
            writeCsv(out.resolve(MUSIC_CSV), MUSIC_HEADER, musicRows);
        }
    }

    private static void writeCsv(Path file, String header, Map<String, String[]> rows) {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (String[] r : new TreeMap<>(rows).values()) {
            sb.append(CsvLine.join(r)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Reads an existing index CSV (id → row); malformed files are an error naming the line. */
    public static Map<String, String[]> readCsv(Path file, String header) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        List<String> lines;
        try {
            lines = CsvLine.records(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new MgsvException(file + ": line 1: expected header '" + header + "'");
        }
        int cols = header.split(",").length;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> f = CsvLine.split(lines.get(i));
            if (f.size() != cols) {
                throw new MgsvException(file + ": line " + (i + 1) + ": expected " + cols + " fields, got " + f.size());
            }
            rows.put(f.get(0), f.toArray(new String[0]));
        }
        return rows;
    }
}
