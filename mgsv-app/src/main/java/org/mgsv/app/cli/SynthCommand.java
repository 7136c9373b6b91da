package org.mgsv.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.mgsv.synth.LinearProbe;
import org.mgsv.synth.SynthConfig;
import org.mgsv.synth.SynthGenerator;
import org.mgsv.synth.SynthOracle;
import org.mgsv.synth.SynthPlan;
import org.mgsv.synth.SynthWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mgsv synth}: writes a synthetic MGSV-EC benchmark in the published layout. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate a synthetic MGSV-EC benchmark in the published layout.",
            "Annotation CSVs + torch.save features as in the reference repository, so "
            + "'mgsv train --data <out>' reads it directly. Durations, moment positions, "
            + "categories and the sharing of tracks between videos follow the real splits.",
            "Each track has a latent mood trajectory (sections, repeats, near-duplicate "
            + "versions) drawn into frame (512-d) and music (768-d) features by two random "
            + "non-linear maps plus noise: the right track and moment can be found only "
            + "from the frame sequence together with the music, not from one frame.",
            ""
        },
        footer = {
            "",
            "Output (float32 features, padded slots zero):",
            "  <out>/dataset/MGSV-EC/{train,val,test}_data.csv",
            "  <out>/features/Kuai_feature/vit_feature1/",
            "      {vit_feature,vit_mask}/<video_id>.pt      [50,512] / [50]",
            "  <out>/features/Kuai_feature/ast_feature2p5/",
            "      {ast_feature,ast_mask}/<music_id>.pt      [96,768] / [96]",
            "  <out>/synth.json  configuration (a rerun with the same one is skipped)",
            "",
            "Sizes: the default (quickstart) benchmark, 3,000/300/300 videos, is about "
            + "470 MB and takes seconds; --reference (49,194/2,000/2,000 videos, 3,496 "
            + "train tracks) is about 6.7 GB and takes about a minute on 2 cores.",
            "",
            "Examples:",
            "  mgsv synth --out synth-data",
            "  mgsv synth --out synth-data --train 10000 --val 1000 --test 1000 --oracle",
            "  mgsv synth --out synth-hard --frame-latent-noise 1.5 --repeat-rate 0.6",
            "  mgsv synth --out synth-full --reference"
        })
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "<dir>",
            description = "Output directory (created; replaced only if it holds an earlier synthetic benchmark).")
    Path out;

    @Option(names = "--train", paramLabel = "<n>", description = "Train videos (default 3000; --reference: 49194).")
    Integer train;

    @Option(names = "--val", paramLabel = "<n>", description = "Val videos, one track each (default 300; --reference: 2000).")
    Integer val;

    @Option(names = "--test", paramLabel = "<n>", description = "Test videos, one track each (default 300; --reference: 2000).")
    Integer test;

    @Option(names = "--tracks-train", paramLabel = "<n>",
            description = "Train tracks (default: train videos x 3496/49194, the real ratio).")
    Integer tracksTrain;

    @Option(names = "--seed", paramLabel = "<s>", description = "Random seed (default 42).")
    Long seed;

    @Option(names = "--reference", description = "Real MGSV-EC split sizes: 49,194/2,000/2,000 videos, 3,496 train tracks.")
    boolean reference;

    @Mixin ThreadsOption threads;

    @Option(names = "--force", description = "Regenerate even if <out> already holds this exact benchmark.")
    boolean force;

    @Option(names = "--oracle", arity = "0..1", fallbackValue = "300", paramLabel = "<queries>",
            description = "After writing, print reference figures on up to <queries> test videos (default 300): "
                    + "an oracle that knows the secret maps (what the planted structure allows) and a linear "
                    + "probe learned from the train split (what plain learning already finds).")
    Integer oracle;

    // ---- difficulty knobs (see SynthConfig)
    @Option(names = "--latent-dim", paramLabel = "<d>", description = "Latent mood dimension (default 8).")
    Integer latentDim;

    @Option(names = "--hidden-dim", paramLabel = "<h>", description = "Hidden width of the random maps (default 64).")
    Integer hiddenDim;

    @Option(names = "--palette-size", paramLabel = "<n>", description = "Moods shared by all tracks (default 24).")
    Integer paletteSize;

    @Option(names = "--palette-share", paramLabel = "<p>", description = "Share of section moods from the shared palette (default 0.75).")
    Double paletteShare;

    @Option(names = "--section-min", paramLabel = "<s>", description = "Shortest section, seconds (default 10).")
    Double sectionMin;

    @Option(names = "--section-max", paramLabel = "<s>", description = "Longest section, seconds (default 30).")
    Double sectionMax;

    @Option(names = "--repeat-rate", paramLabel = "<p>", description = "Probability a section repeats an earlier one (default 0.35).")
    Double repeatRate;

    @Option(names = "--repeat-jitter", paramLabel = "<x>", description = "How much a repeat differs (default 0.25).")
    Double repeatJitter;

    @Option(names = "--smoothness", paramLabel = "<r>", description = "AR(1) coefficient of the motif per 2.5 s, in [0,1) (default 0.7).")
    Double smoothness;

    @Option(names = "--motif-strength", paramLabel = "<x>", description = "Motif amplitude vs section mood (default 0.8).")
    Double motifStrength;

    @Option(names = "--version-rate", paramLabel = "<p>", description = "Share of near-duplicate tracks (default 0.1).")
    Double versionRate;

    @Option(names = "--version-jitter", paramLabel = "<x>", description = "How far a version differs (default 0.3).")
    Double versionJitter;

    @Option(names = "--video-noise", paramLabel = "<x>", description = "Frame feature noise (default 0.4).")
    Double videoNoise;

    @Option(names = "--music-noise", paramLabel = "<x>", description = "Music feature noise (default 0.3).")
    Double musicNoise;

    @Option(names = "--frame-latent-noise", paramLabel = "<x>", description = "Latent noise per frame (default 0.9).")
    Double frameLatentNoise;

    @Option(names = "--window-latent-noise", paramLabel = "<x>", description = "Latent noise per music window (default 0.3).")
    Double windowLatentNoise;

    @Option(names = "--style", paramLabel = "<x>", description = "Per-video style offset strength (default 0.4).")
    Double style;

    @Option(names = "--category-style-share", paramLabel = "<p>", description = "Share of the style set by the category (default 0.5).")
    Double categoryStyleShare;

    @Option(names = "--timbre", paramLabel = "<x>", description = "Per-track timbre offset strength (default 0.4).")
    Double timbre;

    @Option(names = "--moment-reuse", paramLabel = "<p>", description = "Probability a train video reuses a moment of its track (default 0.384, as in the real train split).")
    Double momentReuse;

    @Option(names = "--val-test-common", paramLabel = "<p>", description = "Share of tracks common to val and test (default 0.9465).")
    Double valTestCommon;

    @Option(names = "--eval-in-train", paramLabel = "<p>", description = "Share of val/test tracks also in train (default 0.737).")
    Double evalInTrain;

    @Spec CommandSpec spec;

    /** The configuration the options describe. */
    SynthConfig config() {
        SynthConfig.Builder b = (reference ? SynthConfig.referenceScale() : SynthConfig.quickstart()).toBuilder();
        set(train, b::trainVideos);
        set(val, b::valVideos);
        set(test, b::testVideos);
        if (tracksTrain != null) {
            b.trainTracks(tracksTrain);
        } else if (reference && train != null) {
            b.trainTracks(0);
        }
        set(seed, b::seed);
        set(latentDim, b::latentDim);
        set(hiddenDim, b::hiddenDim);
        set(paletteSize, b::paletteSize);
        set(paletteShare, b::paletteShare);
        set(sectionMin, b::sectionMinSec);
        set(sectionMax, b::sectionMaxSec);
        set(repeatRate, b::repeatRate);
        set(repeatJitter, b::repeatJitter);
        set(smoothness, b::smoothness);
        set(motifStrength, b::motifStrength);
        set(versionRate, b::versionRate);
        set(versionJitter, b::versionJitter);
        set(videoNoise, b::videoNoise);
        set(musicNoise, b::musicNoise);
        set(frameLatentNoise, b::frameLatentNoise);
        set(windowLatentNoise, b::windowLatentNoise);
        set(style, b::styleStrength);
        set(categoryStyleShare, b::categoryStyleShare);
        set(timbre, b::timbreStrength);
        set(momentReuse, b::momentReuse);
        set(valTestCommon, b::valTestCommon);
        set(evalInTrain, b::evalInTrain);
        return b.build();
    }

    private static <T> void set(T v, Consumer<T> setter) {
        if (v != null) {
            setter.accept(v);
        }
    }

    @Override
    public Integer call() {
        SynthConfig c = config();
        PrintWriter o = spec.commandLine().getOut();
        int n = threads.count();
        if (!force && SynthWriter.isUpToDate(out, c)) {
            o.println(out + " already holds this synthetic benchmark (same configuration); use --force to rewrite it");
        } else {
            SynthWriter.Summary s = SynthWriter.write(c, out, n, true);
            o.printf(Locale.ROOT, "wrote %s in %.1f s (%d threads): %,d files, %s%n", out, s.seconds(), n,
                    s.files(), s.bytes() >= 1e9 ? String.format(Locale.ROOT, "%.2f GB", s.bytes() / 1e9)
                            : String.format(Locale.ROOT, "%.1f MB", s.bytes() / 1e6));
            o.printf(Locale.ROOT, "  train %,d videos over %,d tracks (%,d moments); val %,d videos; test %,d videos;"
                    + " %,d tracks with features%n", s.trainRows(), s.trainTracks(), s.trainMoments(), s.valRows(),
                    s.testRows(), s.tracks());
        }
        if (oracle != null) {
            o.flush();
            SynthGenerator gen = new SynthGenerator(SynthPlan.build(c));
            int q = Math.max(1, oracle);
            o.println("oracle on test (secret maps known): " + new SynthOracle(gen).evaluate(SynthPlan.Split.TEST, q));
            o.flush();
            int fit = Math.min(c.trainVideos(), 1000);
            LinearProbe probe = new LinearProbe(gen, fit, 32, 0.01);
            o.println("linear probe on test (fit on " + fit + " train videos): "
                    + SynthOracle.evaluate(gen.plan(), probe, SynthPlan.Split.TEST, q));
        }
        o.flush();
        return 0;
    }
}
