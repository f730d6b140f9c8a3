import Foundation

/// What the CPU can run, for choosing between the AVX-512 kernels (`AVX512Kernels`) and
/// OpenBLAS. This module is compiled for the x86-64 baseline, so asking is safe anywhere.
public enum CPUFeatures {
    /// The AVX-512 subsets the kernels are compiled for (Skylake-AVX-512), as the kernel reports
    /// them in /proc/cpuinfo (it leaves out what it has not enabled).
    public static let hasAVX512: Bool = {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return false }
        let present = Set(flags.split(separator: " ").map(String.init))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(present.contains)
    }()
}
