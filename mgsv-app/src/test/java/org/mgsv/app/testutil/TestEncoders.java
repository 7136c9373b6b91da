package org.mgsv.app.testutil;

import java.util.List;
import org.mgsv.media.encode.FbankWindows;
import org.mgsv.media.encode.FrameEncoder;
import org.mgsv.media.encode.RgbFrame;
import org.mgsv.media.encode.SegmentEncoder;

/** Tiny deterministic encoders with the real output sizes, for app tests that need no encoder weights. */
public final class TestEncoders {
    private TestEncoders() {}

    /** Per-frame colour statistics on a 8×8 grid, zero-padded to 512. */
    public static FrameEncoder frames() {
        return new FrameEncoder() {
            @Override
            public int dim() {
                return 512;
            }

            @Override
            public String name() {
                return "test-frames";
            }

            @Override
            public float[][] encode(List<RgbFrame> frames) {
                float[][] out = new float[frames.size()][512];
                for (int f = 0; f < frames.size(); f++) {
                    RgbFrame fr = frames.get(f);
                    float[] sum = new float[192];
                    int[] cnt = new int[64];
                    for (int y = 0; y < fr.height(); y++) {
                        for (int x = 0; x < fr.width(); x++) {
                            int cell = (y * 8 / fr.height()) * 8 + (x * 8 / fr.width());
                            int p = (y * fr.width() + x) * 3;
                            for (int c = 0; c < 3; c++) {
                                sum[cell * 3 + c] += (fr.rgb()[p + c] & 0xff) / 255f;
                            }
                            cnt[cell]++;
                        }
                    }
                    for (int i = 0; i < 192; i++) {
                        out[f][i] = sum[i] / Math.max(1, cnt[i / 3]) - 0.5f;
                    }
                }
                return out;
            }
        };
    }

    /** Per-window mel-band means and standard deviations, zero-padded to 768. */
    public static SegmentEncoder segments() {
        return new SegmentEncoder() {
            @Override
            public int dim() {
                return 768;
            }

            @Override
            public String name() {
                return "test-segments";
            }

            @Override
            public float[][] encode(FbankWindows w) {
                float[][] out = new float[w.windows().length][768];
                for (int s = 0; s < w.windows().length; s++) {
                    float[] x = w.windows()[s];
                    for (int b = 0; b < FbankWindows.MEL_BINS; b++) {
                        double m = 0;
                        double q = 0;
                        for (int t = 0; t < FbankWindows.FRAMES; t++) {
                            double v = x[t * FbankWindows.MEL_BINS + b];
                            m += v;
                            q += v * v;
                        }
                        m /= FbankWindows.FRAMES;
                        out[s][b] = (float) m;
                        out[s][128 + b] = (float) Math.sqrt(Math.max(0, q / FbankWindows.FRAMES - m * m));
                    }
                }
                return out;
            }
        };
    }
}
