import AVX512Kernels
import CBLAS
import Foundation
import KernelThreads

/// Which code runs the network layers' matrix products (a `KernelSet`).
///
/// `avx512`: our own AVX-512 kernels (`AVX512Kernels.GeneralProduct`) on `RegionThreads`, for
/// every product big enough to fill their tiles; the rest (single rows, heads of one to a few
/// outputs) stay on OpenBLAS. `blas`: OpenBLAS's `cblas_sgemm` for all, with the kernels
/// OpenBLAS selected (`OPENBLAS_CORETYPE`, which this machine kind pins to Haswell's AVX2 ones).
/// Both sum in single precision and differ only by rounding; each is deterministic for a given
/// thread count, the AVX-512 one for any thread count.
public enum NetworkKernels {
    /// Chooses, `avx512` or `blas`; unset means `avx512` where the CPU has AVX-512.
    public static let environmentVariable = "SAFEMCP_NETWORK_KERNELS"

    /// The kernels products use now: `environmentVariable`'s choice, else the fastest this CPU
    /// runs. Set it only while no product is running (tests and benchmarks compare the two).
    nonisolated(unsafe) public static var current: KernelSet = {
        switch configured() {
        case .success(let kernels): return kernels
        case .failure(let error): fatalError(error.description)
        }
    }()

    /// The sets the network layers implement, fastest first (the AVX2 kernel is the encoder's).
    public static let offered: [KernelSet] = [.avx512, .blas]

    /// The kernels `environment` asks for, or why its value cannot be used.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<KernelSet, KernelSet.SettingError> {
        KernelSet.configured(by: environmentVariable, environment: environment, offered: offered)
    }
}

/// C = alpha·op(A)·op(B) + beta·C on row-major blocks with leading dimensions, for `Matrix` and
/// for layers that multiply column blocks of a weight in place (`PairLinear`). An empty product
/// (m or n zero) does nothing; an empty sum (k zero) leaves beta·C, done here rather than trusting
/// every BLAS with K = 0 (the pointers of empty buffers may be nil).
enum MatrixProducts {
    /// Products smaller than this, or with fewer than `minimumSide` rows or columns, go to
    /// OpenBLAS even with the AVX-512 kernels: an 8×32 tile over a 3-wide head or one sample's
    /// row would compute mostly padding.
    static let ownKernelMultiplyAddsMinimum = 1 << 15
    static let minimumSide = 8

    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>?, lda: Int, transposeA: Bool,
                         b: UnsafePointer<Float>?, ldb: Int, transposeB: Bool, alpha: Float = 1, beta: Float,
                         c: UnsafeMutablePointer<Float>?, ldc: Int) {
        guard m > 0, n > 0, let c else { return }
        guard k > 0, let a, let b else {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        let multiplyAdds = m * n * k
        if NetworkKernels.current == .avx512, alpha == 1, beta == 0 || beta == 1,
           min(m, n) >= minimumSide, multiplyAdds >= ownKernelMultiplyAddsMinimum {
            let floats = GeneralProduct.workspaceFloats(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
            Workspaces.shared.with(floats: floats) { workspace in
                let product = GeneralProduct(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb,
                                             transposeB: transposeB, accumulate: beta == 1, c: c, ldc: ldc, workspace: workspace)
                let threads = multiplyAdds >= BLASThreads.parallelMultiplyAddsMinimum ? min(BLASThreads.count, product.units) : 1
                if product.packs {
                    RegionThreads.shared.run(threads) { part in product.pack(part: part, of: threads) }
                }
                RegionThreads.shared.run(threads) { part in
                    product.run(units: (product.units * part / threads)..<(product.units * (part + 1) / threads))
                }
            }
            return
        }
        BLASThreads.sized(multiplyAdds: multiplyAdds) {
            if m == 1 {
                // One output row (single-sample inference): cᵀ = op(B)ᵀ·aᵀ as a matrix-vector
                // product, which reads B in place where sgemm would first copy it into packed
                // panels. op(A) is a contiguous row when A is a single row; transposed, its
                // values are lda apart.
                cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                            alpha, b, Int32(ldb), a, Int32(transposeA ? lda : 1), beta, c, 1)
                return
            }
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }
}

/// Packing space for the AVX-512 products, kept between calls: a fresh allocation of a few
/// hundred kilobytes per product would be mapped and faulted in anew each time.
final class Workspaces: @unchecked Sendable {
    static let shared = Workspaces()
    private let lock = NSLock()
    private var free: [UnsafeMutableBufferPointer<Float>] = []

    /// Runs `body` with at least `floats` floats of scratch that no other caller holds meanwhile.
    func with<Result>(floats: Int, _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        lock.lock()
        var buffer = free.popLast() ?? UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
        lock.unlock()
        if buffer.count < max(floats, 1) {
            buffer.deallocate()
            buffer = .allocate(capacity: max(floats, 1))
        }
        defer {
            lock.lock()
            free.append(buffer)
            lock.unlock()
        }
        return body(buffer.baseAddress!)
    }
}
