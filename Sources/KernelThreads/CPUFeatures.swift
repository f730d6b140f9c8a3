import Foundation

/// What the CPU can run, for choosing between the AVX-512 kernels (`AVX512Kernels`) and
/// OpenBLAS, and which OpenBLAS core to ask for. This module is compiled for the x86-64
/// baseline, so asking is safe anywhere.
public enum CPUFeatures {
    /// The flags the kernel reports in /proc/cpuinfo (it leaves out what it has not enabled);
    /// empty where there is no such file.
    public static let flags: Set<String> = flags(cpuinfo: cpuinfo)

    /// The CPU's model name from /proc/cpuinfo, for run.json and the benchmark header.
    public static let modelName: String = modelName(cpuinfo: cpuinfo)

    private static var cpuinfo: String { (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "" }

    /// The first processor's flags in a /proc/cpuinfo text.
    public static func flags(cpuinfo: String) -> Set<String> {
        guard let line = field("flags", in: cpuinfo) else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }

    /// The first processor's model name in a /proc/cpuinfo text, or "unknown".
    public static func modelName(cpuinfo: String) -> String {
        field("model name", in: cpuinfo) ?? "unknown"
    }

    /// The model name with the CPU family and model numbers, for the benchmark header: a virtual
    /// machine may report a bare "AMD EPYC", and the numbers tell its generations apart.
    public static let modelDescription: String = modelDescription(cpuinfo: cpuinfo)

    /// The first processor's model name, then "(family F, model M)" where the text has both.
    public static func modelDescription(cpuinfo: String) -> String {
        guard let family = field("cpu family", in: cpuinfo), let model = field("model", in: cpuinfo) else { return modelName(cpuinfo: cpuinfo) }
        return "\(modelName(cpuinfo: cpuinfo)) (family \(family), model \(model))"
    }

    private static func field(_ name: String, in cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].trimmingCharacters(in: .whitespaces) == name else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The AVX-512 subsets the kernels are compiled for (Skylake-AVX-512).
    public static let avx512Subsets: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    public static func hasAVX512(_ flags: Set<String>) -> Bool { avx512Subsets.isSubset(of: flags) }

    /// What OpenBLAS's Haswell kernels need.
    public static func hasAVX2(_ flags: Set<String>) -> Bool { ["avx2", "fma"].allSatisfy(flags.contains) }

    public static let hasAVX512: Bool = hasAVX512(flags)
}
