package org.mgsv.search;

import java.nio.file.Path;

/**
 * Writes a video with a catalog moment as its soundtrack: the music span [start, end) of the track, faded in and
 * out, loudness-normalised (about −14 LUFS), the original audio dropped or ducked under the music; the output
 * lasts exactly as long as the video.
 */
public interface MomentRenderer {
    enum OriginalAudio { DROP, DUCK }

    void render(Path video, Path music, double start, double end, OriginalAudio original, Path out);
}
