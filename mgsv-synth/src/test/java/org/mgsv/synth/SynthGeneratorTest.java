package org.mgsv.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SynthGeneratorTest {
    private static final SynthConfig SMALL =
            SynthConfig.builder().trainVideos(60).valVideos(20).testVideos(20).build();

    @Test
    void videoFeaturesAreValidExactlyForTheSegmentSeconds() {
        SynthGenerator g = new SynthGenerator(SynthPlan.build(SMALL));
        for (SynthPlan.Row r : g.plan().rows(SynthPlan.Split.TRAIN)) {
            SynthGenerator.Features f = g.videoFeatures(r);
            assertEquals(50 * 512, f.values().length);
            int n = (int) Math.min(r.videoEndMs() / 1000, 49) - (int) (r.videoStartMs() / 1000) + 1;
            assertEquals(n, f.valid(), r.toString());
            for (int i = 0; i < 50; i++) {
                assertEquals(i < n ? 1f : 0f, f.mask()[i]);
                float[] row = Arrays.copyOfRange(f.values(), i * 512, (i + 1) * 512);
                double norm = 0;
                for (float v : row) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertEquals(i < n, norm > 0, "frame " + i + " of " + r);
            }
        }
    }

    @Test
    void musicWindowsAreValidWhereTheCentreIsInsideTheTrack() {
        SynthGenerator g = new SynthGenerator(SynthPlan.build(SMALL));
        for (int t : g.plan().usedTracks()) {
            SynthGenerator.Features f = g.musicFeatures(t);
            double dur = g.plan().track(t).durationMs() / 1000.0;
            for (int s = 0; s < 96; s++) {
                boolean valid = s * 2.5 <= dur;
                assertEquals(valid ? 1f : 0f, f.mask()[s], "window " + s + " of a " + dur + " s track");
                float[] row = Arrays.copyOfRange(f.values(), s * 768, (s + 1) * 768);
                assertEquals(valid, Arrays.stream(toDouble(row)).anyMatch(v -> v != 0));
            }
        }
    }

    @Test
    void renderingIsReproducible() {
        SynthPlan p = SynthPlan.build(SMALL);
        SynthGenerator a = new SynthGenerator(p);
        SynthGenerator b = new SynthGenerator(SynthPlan.build(SMALL));
        SynthPlan.Row r = p.rows(SynthPlan.Split.TEST).get(3);
        assertArrayEquals(a.videoFeatures(r).values(), b.videoFeatures(r).values());
        assertArrayEquals(a.musicFeatures(r.track()).values(), b.musicFeatures(r.track()).values());
    }

    @Test
    void tracksRepeatSectionsAndVersionsFollowTheirParent() {
        SynthGenerator g = new SynthGenerator(SynthPlan.build(SMALL.toBuilder().trainVideos(2000).build()));
        int withRepeat = 0;
        int versions = 0;
        for (SynthPlan.Track t : g.plan().tracks()) {
            int[] types = g.latent(t.index()).sectionTypes();
            if (Arrays.stream(types).distinct().count() < types.length) {
                withRepeat++;
            }
            if (t.parent() >= 0) {
                versions++;
                assertEquals(g.plan().track(t.parent()).durationMs(), t.durationMs());
                // a version is much closer to its parent than to an unrelated track
                double toParent = distance(g.latent(t.index()), g.latent(t.parent()));
                for (SynthPlan.Track o : g.plan().tracks()) {
                    if (o.index() != t.parent() && o.parent() != t.parent() && o.index() < 50) {
                        assertTrue(toParent < distance(g.latent(t.index()), g.latent(o.index())), t + " vs " + o);
                    }
                }
            }
        }
        int n = g.plan().tracks().size();
        assertTrue(withRepeat > n / 4, withRepeat + " of " + n + " tracks repeat a section");
        assertTrue(versions > n / 20 && versions < n / 5, versions + " versions of " + n);
    }

    private static double distance(LatentTrack a, LatentTrack b) {
        float[] za = new float[a.dim()];
        float[] zb = new float[b.dim()];
        double s = 0;
        for (double t = 0; t < Math.min(a.duration(), b.duration()); t += 1) {
            a.at(t, za, 0);
            b.at(t, zb, 0);
            for (int k = 0; k < za.length; k++) {
                s += (za[k] - zb[k]) * (za[k] - zb[k]);
            }
        }
        return s;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
