package org.mgsv.media.encode;

/**
 * The AST music front end's output for one track: {@code windows[s]} is the normalised Kaldi fbank of window s
 * ([1024 frames × 128 mel bins], row-major, length 131072), {@code mask[s]} is 1 for windows whose centre lies
 * within the track, and {@code durationSeconds} the decoded track duration.
 */
public record FbankWindows(float[][] windows, float[] mask, double durationSeconds) {
    public static final int FRAMES = 1024;
    public static final int MEL_BINS = 128;
    public static final int WINDOWS = 96;
}
