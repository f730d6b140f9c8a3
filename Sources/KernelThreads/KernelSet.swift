import Foundation

/// Which code runs a family of matrix products: `avx512`, our own AVX-512 kernels
/// (`AVX512Kernels`), or `blas`, OpenBLAS's `cblas_sgemm` with the kernels OpenBLAS selected
/// (`OPENBLAS_CORETYPE` respected). The encoder and the network layers each read their choice
/// from an environment variable of their own (`EncoderKernels`, `NetworkKernels`).
public enum KernelSet: String, Sendable, CaseIterable {
    case avx512
    case blas

    /// Whether this CPU can run these kernels.
    public var isSupported: Bool { self == .blas || CPUFeatures.hasAVX512 }

    /// The set `variable` names in `environment`, or why its value cannot be used; unset means
    /// `avx512` where the CPU has AVX-512 and `blas` elsewhere.
    public static func configured(by variable: String, environment: [String: String]) -> Result<KernelSet, SettingError> {
        guard let value = environment[variable] else { return .success(CPUFeatures.hasAVX512 ? .avx512 : .blas) }
        guard let kernels = KernelSet(rawValue: value) else {
            return .failure(SettingError(variable: variable, value: value, reason: "must be avx512 or blas"))
        }
        guard kernels.isSupported else {
            return .failure(SettingError(variable: variable, value: value, reason: "this CPU lacks AVX-512 F/CD/BW/DQ/VL"))
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
