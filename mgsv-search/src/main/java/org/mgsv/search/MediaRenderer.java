package org.mgsv.search;

import java.nio.file.Path;
import org.mgsv.media.render.SoundtrackRenderer;

/**
 * {@link MomentRenderer} on mgsv-media's in-process renderer (FFmpeg libraries through JavaCV, no ffmpeg binary):
 * music loudness-normalised to −14 LUFS, 0.5 s fade-in, 1.5 s fade-out, cut to the video's length; the video
 * stream copied when MP4 can hold it, else re-encoded to H.264; written atomically.
 */
public final class MediaRenderer implements MomentRenderer {
    @Override
    public void render(Path video, Path music, double start, double end, OriginalAudio original, Path out) {
        SoundtrackRenderer.Options o = SoundtrackRenderer.Options.defaults().withOriginal(
                original == OriginalAudio.DUCK ? SoundtrackRenderer.OriginalAudio.DUCK
                        : SoundtrackRenderer.OriginalAudio.DROP);
        SoundtrackRenderer.render(video, music, start, end, out, o);
    }
}
