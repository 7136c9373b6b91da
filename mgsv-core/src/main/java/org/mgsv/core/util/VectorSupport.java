package org.mgsv.core.util;

/**
 * Whether this JVM can run the project's SIMD kernels (jdk.incubator.vector): the module must be in the boot layer.
 * The launcher adds it; a JVM without it, such as a plain Spark executor, keeps each kernel's scalar form, which
 * gives the same results bit for bit (every kernel's test holds the two equal). Kernel classes that import the
 * module are loaded only when this is true.
 */
public final class VectorSupport {
    /** True when jdk.incubator.vector is in the boot layer. */
    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {}
}
