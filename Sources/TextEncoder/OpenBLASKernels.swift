import CBLAS
import Foundation
import KernelThreads

/// Which OpenBLAS kernels run the matrix products.
///
/// Debian's OpenBLAS 0.3.21 predates some CPUs of this project's machines: on AMD EPYC Zen 4/5
/// it picks its AVX2 "Haswell" kernels, and on a newer Intel Xeon with AVX-512 it does not know
/// the model and falls back to "Prescott" (SSE3), several times slower, without a word.
/// OpenBLAS reads `OPENBLAS_CORETYPE` only while it loads, before any Swift code runs, so
/// `preferModernCore()` sets the variable and re-runs OpenBLAS's own kernel selection
/// (`gotoblas_dynamic_quit` / `gotoblas_dynamic_init`, present in every DYNAMIC_ARCH build;
/// without them nothing changes).
public enum OpenBLASKernels {
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS cores that use AVX-512, and those that use AVX2 and FMA at least.
    static let avx512Cores: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]
    static let avx2Cores: Set<String> = avx512Cores.union(["haswell", "zen"])

    /// The core OpenBLAS should run instead of `reported` on a CPU with `flags`, or nil to leave
    /// it: a user's `OPENBLAS_CORETYPE` always stands; otherwise a core without AVX-512 on a CPU
    /// with it becomes SkylakeX, and a core without AVX2 on a CPU with AVX2 and FMA becomes
    /// Haswell.
    public static func modernCore(reported: String, flags: Set<String>, userSetting: String?) -> String? {
        guard userSetting == nil else { return nil }
        let core = reported.lowercased()
        if CPUFeatures.hasAVX512(flags) && !avx512Cores.contains(core) { return "SkylakeX" }
        if CPUFeatures.hasAVX2(flags) && !avx2Cores.contains(core) { return "Haswell" }
        return nil
    }

    /// Switches to the core `modernCore` names, and says so once on stderr. Call it first thing
    /// in a process, before any thread runs BLAS. Returns the core in use.
    @discardableResult
    public static func preferModernCore(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let reported = coreName
        guard let wanted = modernCore(reported: reported, flags: CPUFeatures.flags, userSetting: environment["OPENBLAS_CORETYPE"]) else {
            return reported
        }
        if select(core: wanted) {
            FileHandle.standardError.write(Data("safemcp: OpenBLAS chose its \(reported) kernels on this CPU (\(CPUFeatures.modelName)); using \(wanted) instead (set OPENBLAS_CORETYPE to choose)\n".utf8))
        }
        return coreName
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
