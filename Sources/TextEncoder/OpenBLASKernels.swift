import CBLAS
import Foundation
import KernelThreads

/// Which OpenBLAS kernels run the matrix products.
///
/// Debian's OpenBLAS 0.3.21 predates AMD Zen 4/5: on this machine's EPYC it falls back to its
/// AVX2 "Haswell" kernels although the CPU has AVX-512, and its "SkylakeX" AVX-512 sgemm runs
/// about 1.7× faster here. OpenBLAS reads `OPENBLAS_CORETYPE` only while it loads, before any
/// Swift code runs, so `preferAVX512()` sets the variable and re-runs OpenBLAS's own kernel
/// selection (`gotoblas_dynamic_quit` / `gotoblas_dynamic_init`, present in every DYNAMIC_ARCH
/// build; without them nothing changes).
public enum OpenBLASKernels {
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Switches to the SkylakeX kernels when the CPU has the AVX-512 subsets they use, OpenBLAS
    /// chose kernels without AVX-512, and `OPENBLAS_CORETYPE` is unset (a machine that sets it
    /// has chosen). Call it first thing in a process, before any thread runs BLAS. Returns the
    /// core in use.
    @discardableResult
    public static func preferAVX512() -> String {
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, canUseAVX512 {
            select(core: "SkylakeX")
        }
        return coreName
    }

    /// Whether the CPU has AVX-512 and OpenBLAS is running kernels that do not use it.
    public static var canUseAVX512: Bool {
        ["Haswell", "Zen"].contains(coreName) && CPUFeatures.hasAVX512
    }

    /// Re-runs OpenBLAS's kernel selection for `core` (an `OPENBLAS_CORETYPE` name). No BLAS call
    /// may be running. Returns whether OpenBLAS now uses that core.
    @discardableResult
    public static func select(core: String) -> Bool {
        guard let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init") else { return false }
        setenv("OPENBLAS_CORETYPE", core, 1)
        quit()
        initialise()
        return coreName.caseInsensitiveCompare(core) == .orderedSame
    }

    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: (@convention(c) () -> Void).self)
    }
}
