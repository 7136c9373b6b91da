package org.mgsv.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Optional;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * bfloat16 matrix products in libtorch, reached through the JDK's foreign-function API.
 *
 * <p>DJL 0.36's libtorch binding has no bfloat16 data type: creating or casting to one aborts the process inside
 * its native library. libtorch itself has the kernels (oneDNN's brgemm with AVX512_BF16 or AMX), so this class
 * calls three of libtorch's own exported operators directly — {@code at::_ops::to_dtype::call},
 * {@code at::_ops::linear::call} and {@code at::_ops::matmul::call} — on the tensors behind DJL's handles. The
 * calls go through libtorch's dispatcher, so autograd records them exactly as it records DJL's operations:
 * the casts and products are differentiable and a backward pass sees one graph.
 *
 * <p>A bf16 tensor is returned to Java as a DJL array whose handle points to a {@code torch::Tensor} this class
 * constructs in place ({@code malloc}'d storage for the 8-byte tensor object, which DJL's {@code delete} frees).
 * DJL can move, close and pass such arrays to these methods; it must not be asked their data type or contents,
 * so they never leave this class and {@link Ops} except as cached weights.
 *
 * <p>A C++ exception cannot cross the foreign call (it would abort the JVM), so every argument's shape is checked
 * in Java first. The symbols are those of the libtorch that DJL bundles (2.7.1); with another libtorch that lacks
 * them, {@link #available()} is false and {@link #why()} says why, and bf16 is refused rather than attempted.
 */
public final class Bf16Kernels {
    private static final int FLOAT = 6; // c10::ScalarType::Float
    private static final int BFLOAT16 = 15; // c10::ScalarType::BFloat16

    private static final String TO_DTYPE =
            "_ZN2at4_ops8to_dtype4callERKNS_6TensorEN3c1010ScalarTypeEbbSt8optionalINS5_12MemoryFormatEE";
    private static final String LINEAR = "_ZN2at4_ops6linear4callERKNS_6TensorES4_RKSt8optionalIS2_E";
    private static final String MATMUL = "_ZN2at4_ops6matmul4callERKNS_6TensorES4_";

    private static final Handles H = Handles.load();

    private Bf16Kernels() {}

    private record Handles(MethodHandle malloc, MethodHandle toDtype, MethodHandle linear, MethodHandle matmul,
            MemorySegment noBias, String why) {
        static Handles load() {
            try {
                Engine.getEngine("PyTorch"); // loads libtorch (into this class loader's lookup)
                CLinker l = CLinker.getInstance();
                SymbolLookup torch = SymbolLookup.loaderLookup();
                MemoryAddress malloc = find(CLinker.systemLookup(), "malloc");
                MemoryAddress toDtype = find(torch, TO_DTYPE);
                MemoryAddress linear = find(torch, LINEAR);
                MemoryAddress matmul = find(torch, MATMUL);
                // a disengaged std::optional<at::Tensor> (16 bytes, all zero): linear without bias
                MemorySegment none = MemorySegment.allocateNative(16, 8, ResourceScope.globalScope());
                none.fill((byte) 0);
                return new Handles(
                        l.downcallHandle(malloc, MethodType.methodType(MemoryAddress.class, long.class),
                                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_LONG)),
                        // Tensor (sret, const Tensor&, ScalarType, bool non_blocking, bool copy, optional<MemoryFormat>)
                        l.downcallHandle(toDtype, MethodType.methodType(MemoryAddress.class, MemoryAddress.class,
                                MemoryAddress.class, int.class, int.class, int.class, int.class),
                                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER,
                                        CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT)),
                        l.downcallHandle(linear, MethodType.methodType(MemoryAddress.class, MemoryAddress.class,
                                MemoryAddress.class, MemoryAddress.class, MemoryAddress.class),
                                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER,
                                        CLinker.C_POINTER, CLinker.C_POINTER)),
                        l.downcallHandle(matmul, MethodType.methodType(MemoryAddress.class, MemoryAddress.class,
                                MemoryAddress.class, MemoryAddress.class),
                                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER,
                                        CLinker.C_POINTER)),
                        none, null);
            } catch (Throwable e) { // a missing module, symbol or native-access permission
                return new Handles(null, null, null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        private static MemoryAddress find(SymbolLookup lookup, String name) {
            Optional<MemoryAddress> a = lookup.lookup(name);
            if (a.isEmpty()) {
                throw new IllegalStateException("libtorch symbol " + name + " not found");
            }
            return a.get();
        }
    }

    /** Whether the bf16 operators were found in the loaded libtorch. */
    public static boolean available() {
        return H.why() == null;
    }

    /** Why they are not available (null when they are). */
    public static String why() {
        return H.why();
    }

    private static void check() {
        if (!available()) {
            throw new IllegalStateException("bf16 kernels unavailable: " + why());
        }
    }

    /** A bf16 copy of a float32 array, attached to {@code m} (differentiable). */
    public static NDArray toBf16(NDArray a, NDManager m) {
        return cast(a, BFLOAT16, m);
    }

    /** A float32 copy of a bf16 array made here, attached to {@code m} (differentiable). */
    public static NDArray toFloat(NDArray a16, NDManager m) {
        return cast(a16, FLOAT, m);
    }

    private static NDArray cast(NDArray a, int dtype, NDManager m) {
        check();
        MemoryAddress slot = slot();
        try {
            MemoryAddress r = (MemoryAddress) H.toDtype().invokeExact(slot, handle(a), dtype, 0, 0, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("bf16 cast failed", e);
        }
        return wrap(m, slot);
    }

    /**
     * {@code x Wᵀ (+ b)} of bf16 arrays, a bf16 result attached to {@code m}. x [..., in], w [out, in], b [out] or
     * null (shapes checked by the caller against the float32 arrays). The bias is added by the product's kernel to
     * its float32 accumulator, before the result is rounded to bf16.
     */
    static NDArray linear(NDArray x16, NDArray w16, NDArray b16, NDManager m) {
        check();
        MemoryAddress slot = slot();
        try {
            MemoryAddress bias = H.noBias().address();
            if (b16 != null) {
                // an engaged std::optional<at::Tensor> that borrows the bias: the tensor's one pointer (its
                // TensorImpl) then the engaged flag. libtorch reads it through a const reference and never
                // destroys it, so no reference count is taken or released here. One such slot per thread,
                // reused (it is read only during the call).
                MemorySegment opt = OPTIONAL_SLOT.get();
                opt.fill((byte) 0);
                MemoryAccess.setLongAtOffset(opt, 0,
                        MemoryAccess.getLong(handle(b16).asSegment(8, ResourceScope.globalScope())));
                MemoryAccess.setByteAtOffset(opt, 8, (byte) 1);
                bias = opt.address();
            }
            MemoryAddress r = (MemoryAddress) H.linear().invokeExact(slot, handle(x16), handle(w16), bias);
        } catch (Throwable e) {
            throw new IllegalStateException("bf16 linear failed", e);
        }
        return wrap(m, slot);
    }

    /** A 16-byte native slot per thread for the borrowed bias of {@link #linear} (freed with the thread). */
    private static final ThreadLocal<MemorySegment> OPTIONAL_SLOT = ThreadLocal.withInitial(
            () -> MemorySegment.allocateNative(16, 8, ResourceScope.newImplicitScope()));

    /** {@code a @ b} of bf16 arrays (torch.matmul), a bf16 result attached to {@code m}. */
    public static NDArray matmul(NDArray a16, NDArray b16, NDManager m) {
        check();
        checkMatmul(a16.getShape(), b16.getShape());
        MemoryAddress slot = slot();
        try {
            MemoryAddress r = (MemoryAddress) H.matmul().invokeExact(slot, handle(a16), handle(b16));
        } catch (Throwable e) {
            throw new IllegalStateException("bf16 matmul failed", e);
        }
        return wrap(m, slot);
    }

    /** Throws unless {@code x [..., in] · w [out, in]ᵀ} is a valid product (libtorch must never throw here). */
    static void checkLinear(Shape x, Shape w) {
        if (w.dimension() != 2 || x.dimension() < 1 || x.getLastDimension() != w.get(1)) {
            throw new IllegalArgumentException("linear: input " + x + " and weight " + w + " do not match");
        }
    }

    /** Throws unless {@code a @ b} is a valid batched product with broadcastable batch dimensions. */
    static void checkMatmul(Shape a, Shape b) {
        int ra = a.dimension();
        int rb = b.dimension();
        if (ra < 2 || rb < 2 || a.get(ra - 1) != b.get(rb - 2)) {
            throw new IllegalArgumentException("matMul: " + a + " and " + b + " do not match");
        }
        for (int i = 3; i <= Math.min(ra, rb); i++) {
            long x = a.get(ra - i);
            long y = b.get(rb - i);
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("matMul: batch dimensions of " + a + " and " + b + " differ");
            }
        }
    }

    private static MemoryAddress slot() {
        try {
            MemoryAddress s = (MemoryAddress) H.malloc().invokeExact(8L);
            if (s.equals(MemoryAddress.NULL)) {
                throw new OutOfMemoryError("malloc(8) failed");
            }
            return s;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MemoryAddress handle(NDArray a) {
        return MemoryAddress.ofLong(((PtNDArray) a).getHandle());
    }

    private static NDArray wrap(NDManager m, MemoryAddress slot) {
        return new PtNDArray((PtNDManager) m, slot.toRawLongValue());
    }
}
