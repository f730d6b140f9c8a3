import Foundation
import KernelThreads

/// Which code runs the MiniLM encoder's matrix products (a `KernelSet`).
///
/// `avx512`: the encoder's own AVX-512 kernels over weights packed once at load, whatever kernels
/// OpenBLAS has chosen: `OPENBLAS_CORETYPE` configures OpenBLAS, and the encoder then does not use
/// OpenBLAS. `blas`: OpenBLAS's `cblas_sgemm`. Both compute the same embeddings to within rounding
/// (both are tested against sentence-transformers).
public enum EncoderKernels {
    /// The environment variable that chooses, `avx512` or `blas`; unset means `avx512` where
    /// the CPU has AVX-512 and `blas` elsewhere.
    public static let environmentVariable = "SAFEMCP_ENCODER_KERNELS"

    /// The kernels `environmentVariable` asks for, else the fastest this CPU runs.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelSet {
        try KernelSet.configured(by: environmentVariable, environment: environment)
            .mapError { TextEncoderError.badSetting(name: $0.variable, value: $0.value, reason: $0.reason) }.get()
    }
}
