import Foundation

/// Which code runs a family of matrix products: `avx512`, our own AVX-512 kernels
/// (`AVX512Kernels`); `avx2`, our own AVX2 kernel over weights packed once (`AVX2Kernels`, the
/// encoder's dense layers only); or `blas`, OpenBLAS's `cblas_sgemm` with the kernels OpenBLAS
/// selected (`OPENBLAS_CORETYPE` respected). The encoder and the network layers each read their
/// choice from an environment variable of their own (`EncoderKernels`, `NetworkKernels`) and
/// offer the sets they implement, fastest first.
public enum KernelSet: String, Sendable, CaseIterable {
    case avx512
    case avx2
    case blas

    /// Whether this CPU can run these kernels.
    public var isSupported: Bool {
        switch self {
        case .avx512: CPUFeatures.hasAVX512
        case .avx2: CPUFeatures.hasAVX2(CPUFeatures.flags)
        case .blas: true
        }
    }

    /// The set `variable` names in `environment`, or why its value cannot be used; unset means
    /// the first of `offered` (fastest first, `blas` last) that this CPU runs.
    public static func configured(by variable: String, environment: [String: String], offered: [KernelSet]) -> Result<KernelSet, SettingError> {
        precondition(!offered.isEmpty, "a family of products offers at least one kernel set")
        guard let value = environment[variable] else { return .success(offered.first(where: \.isSupported) ?? .blas) }
        guard let kernels = KernelSet(rawValue: value), offered.contains(kernels) else {
            let names = offered.map(\.rawValue)
            let choices = names.dropLast().joined(separator: ", ") + " or " + names.last!
            return .failure(SettingError(variable: variable, value: value, reason: "must be \(choices)"))
        }
        guard kernels.isSupported else {
            let lacks = kernels == .avx512 ? "AVX-512 F/CD/BW/DQ/VL" : "AVX2 and FMA"
            return .failure(SettingError(variable: variable, value: value, reason: "this CPU lacks \(lacks)"))
        }
        return .success(kernels)
    }

    /// A value of a kernel variable that cannot be used; says `VARIABLE=value: reason`.
    public struct SettingError: Error, Equatable, CustomStringConvertible {
        public let variable: String
        public let value: String
        public let reason: String

        public var description: String { "\(variable)=\(value): \(reason)" }
    }
}
