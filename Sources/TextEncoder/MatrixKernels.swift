import Foundation
import KernelThreads

/// Which code runs the MiniLM encoder's matrix products.
///
/// `avx512`: the encoder's own AVX-512 kernels (module `AVX512Kernels`) over weights packed
/// once at load, whatever kernels OpenBLAS has chosen: `OPENBLAS_CORETYPE` configures OpenBLAS,
/// and the encoder then does not use OpenBLAS. `blas`: OpenBLAS's `cblas_sgemm`, with the
/// kernels OpenBLAS selected (`OPENBLAS_CORETYPE` respected). Both compute the same embeddings to
/// within rounding (both are tested against sentence-transformers).
public enum MatrixKernels: String, Sendable, CaseIterable {
    case avx512
    case blas

    /// The environment variable that chooses, `avx512` or `blas`; unset means `avx512` where
    /// the CPU has AVX-512 and `blas` elsewhere.
    public static let environmentVariable = "SAFEMCP_ENCODER_KERNELS"

    /// The kernels `environmentVariable` asks for, else the fastest this CPU runs.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MatrixKernels {
        guard let value = environment[environmentVariable] else {
            return CPUFeatures.hasAVX512 ? .avx512 : .blas
        }
        guard let kernels = MatrixKernels(rawValue: value) else {
            throw TextEncoderError.badSetting(name: environmentVariable, value: value, reason: "must be avx512 or blas")
        }
        guard kernels.isSupported else {
            throw TextEncoderError.badSetting(name: environmentVariable, value: value, reason: "this CPU lacks AVX-512 F/CD/BW/DQ/VL")
        }
        return kernels
    }

    /// Whether this CPU can run these kernels.
    public var isSupported: Bool { self == .blas || CPUFeatures.hasAVX512 }
}
