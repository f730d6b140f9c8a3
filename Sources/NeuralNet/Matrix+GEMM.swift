import CBLAS

extension Matrix {
    /// C = alpha·op(A)·op(B) + beta·C (`MatrixProducts`), writing into the caller's `c`, whose
    /// shape must already be op(A).rows × op(B).cols (it is a workspace: nothing is allocated).
    /// With `beta == 0` the previous contents of `c` are ignored, as BLAS specifies.
    public static func multiply(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
                                into c: inout Matrix, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kB = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kB, "matmul inner dimensions differ: op(A) is \(m)×\(k), op(B) is \(kB)×\(n)")
        precondition(c.rows == m && c.cols == n, "matmul output is \(c.rows)×\(c.cols), expected \(m)×\(n)")
        a.storage.withUnsafeBufferPointer { aBuffer in
            b.storage.withUnsafeBufferPointer { bBuffer in
                c.storage.withUnsafeMutableBufferPointer { cBuffer in
                    MatrixProducts.multiply(m: m, n: n, k: k, a: aBuffer.baseAddress, lda: max(a.cols, 1), transposeA: transposeA,
                                            b: bBuffer.baseAddress, ldb: max(b.cols, 1), transposeB: transposeB,
                                            alpha: alpha, beta: beta, c: cBuffer.baseAddress, ldc: n)
                }
            }
        }
    }

    /// op(A)·op(B) in a new matrix; for code outside hot loops.
    public static func product(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) -> Matrix {
        var c = Matrix(rows: transposeA ? a.cols : a.rows, cols: transposeB ? b.rows : b.cols)
        multiply(a, b, transposeA: transposeA, transposeB: transposeB, into: &c)
        return c
    }
}

/// The OpenBLAS thread pool, which is process-wide; results can differ in the last bits between
/// thread counts.
public enum BLASThreads {
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// `Matrix.multiply` runs products of fewer multiply-adds than this on one thread, whatever
    /// `count` is. OpenBLAS splits from about 2.6e5 multiply-adds (and matrix-vector products
    /// from about 1e4), where handing work to a second thread costs more than it saves: a
    /// single-sample inference took twice the CPU time with 2 threads. The choice depends only on
    /// the shape, so a run stays deterministic for a given `count`. Not for use while another
    /// thread is inside BLAS, since the thread count is process-wide.
    public static let parallelMultiplyAddsMinimum = 1 << 20

    /// Runs `body`, a BLAS call of `multiplyAdds` multiply-adds, on one thread when it is below
    /// `parallelMultiplyAddsMinimum`.
    static func sized<Result>(multiplyAdds: Int, _ body: () -> Result) -> Result {
        let threads = openblas_get_num_threads()
        let singleThreaded = threads > 1 && multiplyAdds < parallelMultiplyAddsMinimum
        if singleThreaded { openblas_set_num_threads(1) }
        defer { if singleThreaded { openblas_set_num_threads(threads) } }
        return body()
    }
}
