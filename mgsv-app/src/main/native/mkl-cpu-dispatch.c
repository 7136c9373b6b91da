/*
 * MKL CPU dispatch by features, for the `mgsv` launcher (LD_PRELOAD on non-Intel x86 CPUs).
 *
 * libtorch links Intel MKL for its float32 matrix products. On a CPU whose vendor is not Intel, MKL ignores
 * the CPU's features and runs its generic AVX2 kernels; on AMD Zen 4 (AVX-512) that leaves about a third of
 * the fp32 GEMM rate unused (`mgsv bench peak`: 128 -> 197 GFLOP/s on 2 cores). MKL asks these two exported
 * functions whether the CPU is Intel; answering yes makes it choose its kernels from the CPU's feature flags
 * (CPUID) as it does on Intel parts, so a CPU without AVX-512 still gets the AVX2 kernels.
 *
 * Nothing else changes: the results are those of MKL's kernels for that instruction set (summation order may
 * differ from the generic kernels in the last bits, as between any two MKL code paths).
 * Disable with MGSV_MKL_DISPATCH=off.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
int mkl_serv_intel_cpu(void) { return 1; }
