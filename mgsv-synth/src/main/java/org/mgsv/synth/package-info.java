/**
 * Synthetic MGSV-EC benchmarks: annotations that follow the real splits' statistics
 * ({@link org.mgsv.synth.EcDistributions}, {@link org.mgsv.synth.SynthPlan}), frame and music features
 * drawn from latent mood trajectories through two secret random maps
 * ({@link org.mgsv.synth.SynthGenerator}), written in the published layout
 * ({@link org.mgsv.synth.SynthWriter}), with reference points that show how much of the planted structure
 * can be found ({@link org.mgsv.synth.SynthOracle}, {@link org.mgsv.synth.LinearProbe}). Everything
 * is determined by a {@link org.mgsv.synth.SynthConfig}; {@code SynthConfig.quickstart()} is the small
 * default benchmark and {@code SynthConfig.referenceScale()} has the real split sizes.
 */
package org.mgsv.synth;
