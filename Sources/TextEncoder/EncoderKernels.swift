import Foundation
import KernelThreads

/// Which code runs the MiniLM encoder's matrix products (a `KernelSet`).
///
/// `avx512`: the encoder's own AVX-512 kernels over weights packed once at load, whatever kernels
/// OpenBLAS has chosen: `OPENBLAS_CORETYPE` configures OpenBLAS, and the encoder then does not use
/// OpenBLAS. `avx2`: our AVX2 kernel over the same packed weights for the dense layers, OpenBLAS
/// for attention. `blas`: OpenBLAS's `cblas_sgemm` for all. They compute the same embeddings to
/// within rounding (each is tested against sentence-transformers).
public enum EncoderKernels {
    /// The environment variable that chooses, `avx512`, `avx2` or `blas`; unset means the
    /// fastest this CPU runs: `avx512` where it has AVX-512, else `avx2` where it has AVX2 and
    /// FMA, else `blas`.
    public static let environmentVariable = "SAFEMCP_ENCODER_KERNELS"

    /// The sets the encoder implements, fastest first.
    public static let offered: [KernelSet] = [.avx512, .avx2, .blas]

    /// The kernels `environmentVariable` asks for, else the fastest this CPU runs.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelSet {
        try KernelSet.configured(by: environmentVariable, environment: environment, offered: offered)
            .mapError { TextEncoderError.badSetting(name: $0.variable, value: $0.value, reason: $0.reason) }.get()
    }
}
