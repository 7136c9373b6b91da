package org.mgsv.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The down-mix is the channel mean, (0 + c0 + c1 + …) / channels in float, whatever the number of channels. */
class DecodedAudioTest {
    private static float[] mean(float[][] ch) {
        float[] want = new float[ch[0].length];
        for (int i = 0; i < want.length; i++) {
            float acc = 0f;
            for (float[] c : ch) {
                acc += c[i];
            }
            want[i] = acc * (1f / ch.length);
        }
        return want;
    }

    @Test
    void downmixIsTheChannelMeanForStereoAndMore() {
        Random r = new Random(9);
        for (int channels = 2; channels <= 6; channels++) {
            float[][] ch = new float[channels][1000];
            for (float[] c : ch) {
                for (int i = 0; i < c.length; i++) {
                    c[i] = i % 97 == 0 ? -0f : (float) r.nextGaussian();
                }
            }
            assertArrayEquals(mean(ch), new DecodedAudio(ch, 44100, "pcm").downmix(), 0f, channels + " channels");
        }
    }

    @Test
    void monoIsReturnedAsIs() {
        float[][] ch = {{0.5f, -0.25f}};
        assertSame(ch[0], new DecodedAudio(ch, 8000, "pcm").downmix());
    }
}
