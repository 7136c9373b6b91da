package org.mgsv.app.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.mgsv.search.MediaPipeline;

/**
 * Decoded preview audio of recently played tracks (whole track, mono, {@link #RATE}): a page asks for every
 * result's waveform and then plays some of them. Tracks up to {@link #MAX_CACHED_TRACK_SECONDS} are decoded whole
 * once and kept (least recently used first out, about 16 minutes of audio in all); longer ones are decoded window
 * by window, so memory and time follow the window, not the track.
 */
final class PreviewCache {
    /** Sample rate of previews (Hz). */
    static final int RATE = 22050;
    /** Tracks up to this long are decoded whole once and cached for previews; longer ones window by window. */
    static final double MAX_CACHED_TRACK_SECONDS = 8 * 60;
    private static final long PREVIEW_CACHE_SAMPLES = 16L * 60 * RATE;

    private final MediaPipeline media;
    private final LinkedHashMap<String, float[]> previewCache = new LinkedHashMap<>(16, 0.75f, true);

    PreviewCache(MediaPipeline media) {
        this.media = media;
    }

    /** Mono samples at {@link #RATE} of [start, end) seconds of track {@code id}, whose audio is {@code src}. */
    float[] window(String id, Path src, double durationSeconds, double start, double end) {
        if (durationSeconds > MAX_CACHED_TRACK_SECONDS) {
            // a long track: decode the window alone (memory and time follow the window, not the track)
            return media.audio(src, RATE, start, end);
        }
        float[] all = previewAudio(id, src, durationSeconds);
        int from = (int) Math.min(all.length, Math.floor(start * RATE));
        int to = (int) Math.min(all.length, Math.max(from, Math.ceil(end * RATE)));
        return Arrays.copyOfRange(all, from, to);
    }

    private float[] previewAudio(String id, Path src, double duration) {
        synchronized (previewCache) {
            float[] hit = previewCache.get(id);
            if (hit != null) {
                return hit;
            }
        }
        float[] all = media.audio(src, RATE, 0, duration + 1);
        synchronized (previewCache) {
            previewCache.put(id, all);
            long total = 0;
            for (float[] a : previewCache.values()) {
                total += a.length;
            }
            var it = previewCache.entrySet().iterator();
            while (total > PREVIEW_CACHE_SAMPLES && previewCache.size() > 1 && it.hasNext()) {
                total -= it.next().getValue().length;
                it.remove();
            }
        }
        return all;
    }
}
