/**
 * The MGSV evaluation metrics exactly as the reference computes them: retrieval (V2MR: R@k, MedianR, MeanR,
 * MRR with music-id de-duplication), grounding (SmG: mIoU, IoU@θ) and both (MsG: MoR@k at θ), from run files
 * ({@link org.mgsv.core.metrics.RunFile}) or per-query outcomes; plus trivial baselines.
 */
package org.mgsv.core.metrics;
