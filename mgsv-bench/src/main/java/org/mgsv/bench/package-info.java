/**
 * The harnesses behind {@code mgsv bench}: what each benchmark builds, times and computes, apart from the picocli
 * commands that choose its options and print its figures. {@link org.mgsv.bench.MatmulPeak} measures this
 * machine's matrix-multiply peak (every other figure is quoted as a fraction of it), {@link org.mgsv.bench.TrainBench}
 * and {@link org.mgsv.bench.EvalBench} time training steps and the MsG evaluation, {@link org.mgsv.bench.TorchProfile}
 * reads libtorch's profiler trace, {@link org.mgsv.bench.BenchInfo} records the machine. Medians and percentiles
 * come from {@code core.util.Stats}. Benchmarks print figures; they are never timed unit tests.
 */
package org.mgsv.bench;
