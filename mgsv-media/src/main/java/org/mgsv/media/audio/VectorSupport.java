package org.mgsv.media.audio;

/**
 * Whether this JVM can run the SIMD kernels of this package ({@link ResamplerVectors}, {@link RealFftVectors}):
 * jdk.incubator.vector must be in the boot layer (the launcher adds it; a JVM without it, such as a plain Spark
 * executor, keeps the scalar forms, which give the same results bit for bit).
 */
final class VectorSupport {
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {}
}
