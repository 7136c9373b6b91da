package org.mgsv.media.encode;

import java.util.List;

/** Argument checks shared by the encoders, with messages that say what is wrong. */
public final class EncoderInputs {
    private EncoderInputs() {}

    /** Every frame present. */
    public static void checkFrames(List<RgbFrame> frames) {
        if (frames == null) {
            throw new IllegalArgumentException("frames is null");
        }
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i) == null) {
                throw new IllegalArgumentException("frame " + i + " is null");
            }
        }
    }

    /** 96 windows of 1024×128 values and a mask of 96. */
    public static void checkWindows(FbankWindows w) {
        if (w == null) {
            throw new IllegalArgumentException("fbank windows are null");
        }
        if (w.windows() == null || w.windows().length != FbankWindows.WINDOWS) {
            throw new IllegalArgumentException("expected " + FbankWindows.WINDOWS + " fbank windows, got "
                    + (w.windows() == null ? "null" : w.windows().length));
        }
        if (w.mask() == null || w.mask().length != FbankWindows.WINDOWS) {
            throw new IllegalArgumentException("expected a window mask of " + FbankWindows.WINDOWS + ", got "
                    + (w.mask() == null ? "null" : w.mask().length));
        }
        int len = FbankWindows.FRAMES * FbankWindows.MEL_BINS;
        for (int s = 0; s < FbankWindows.WINDOWS; s++) {
            if (w.mask()[s] != 0 && (w.windows()[s] == null || w.windows()[s].length != len)) {
                throw new IllegalArgumentException("fbank window " + s + " has "
                        + (w.windows()[s] == null ? "no data" : w.windows()[s].length + " values")
                        + ", expected " + FbankWindows.FRAMES + "x" + FbankWindows.MEL_BINS + " = " + len);
            }
        }
    }
}
