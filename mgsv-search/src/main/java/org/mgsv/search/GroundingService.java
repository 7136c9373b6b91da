package org.mgsv.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mgsv.core.MgsvException;
import org.mgsv.search.catalog.CatalogStore;
import org.mgsv.search.catalog.TrackInfo;

/**
 * Everything {@code mgsv ground} and {@code mgsv serve} do with a video: features → model video tower → two-stage
 * search → moments; rendering a chosen moment; track audio for previews.
 */
public final class GroundingService implements AutoCloseable {
    private final CatalogStore store;
    private final GroundingModel model;
    private final MediaPipeline media;
    private final MomentRenderer renderer;
    private final Searcher searcher;

    public GroundingService(CatalogStore store, GroundingModel model, MediaPipeline media, MomentRenderer renderer,
            Searcher.Kind kind, int threads) {
        this.store = store;
        this.model = model;
        this.media = media;
        this.renderer = renderer;
        this.searcher = Searcher.build(store, model, kind, threads, info -> {
            Path p = sourceOf(info);
            return p == null ? null : media.beats(p);
        });
    }

    /** The result of grounding one video. */
    public record Report(String video, double videoDuration, String model, int catalogSize, String shortlist,
            double seconds, List<GroundingResult> results) {}

    public Report ground(Path video, Searcher.Options options) {
        long t0 = System.nanoTime();
        MediaPipeline.ExtractedVideo f = media.video(video);
        GroundingModel.EncodedVideo v = model.encodeVideo(f.frameFeatures(), f.mask());
        List<GroundingResult> r = searcher.search(v, f.durationSeconds(), options);
        return new Report(video.getFileName().toString(), f.durationSeconds(), model.name(), store.size(),
                searcher.index().name(), (System.nanoTime() - t0) / 1e9, r);
    }

    /** The audio file a catalog track was indexed from, or null when it is gone. */
    public static Path sourceOf(TrackInfo info) {
        if (info.sourcePath() == null || info.sourcePath().isEmpty()) {
            return null;
        }
        Path p = Path.of(info.sourcePath());
        return Files.isRegularFile(p) ? p : null;
    }

    /** Track id → its audio file, failing clearly for unknown ids or missing audio. */
    public Path trackAudio(String trackId) {
        return audioOf(info(trackId));
    }

    private TrackInfo info(String trackId) {
        return store.info(trackId).orElseThrow(() -> new MgsvException("unknown track '" + trackId + "'"));
    }

    private static Path audioOf(TrackInfo info) {
        Path p = sourceOf(info);
        if (p == null) {
            throw new MgsvException("audio of track '" + info.id() + "' is not available (" + info.sourcePath() + ")");
        }
        return p;
    }

    public void render(Path video, String trackId, double start, double end, MomentRenderer.OriginalAudio original,
            Path out) {
        TrackInfo info = info(trackId);
        if (start < 0 || end > info.durationSeconds() + 1e-3 || !(end > start)) {
            throw new MgsvException(String.format(java.util.Locale.ROOT,
                    "moment [%.3f, %.3f] is not inside track '%s' (0 to %.3f s)", start, end, trackId,
                    info.durationSeconds()));
        }
        renderer.render(video, audioOf(info), start, end, original, out);
    }

    public CatalogStore store() {
        return store;
    }

    public GroundingModel model() {
        return model;
    }

    public MediaPipeline media() {
        return media;
    }

    public Searcher searcher() {
        return searcher;
    }

    @Override
    public void close() {
        searcher.close();
    }
}
