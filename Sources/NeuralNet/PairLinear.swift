/// A `Linear` layer over pairs that share rows: pair p is [rows[r(p)] | pairs[p]] (a state beside
/// one of its tools), and y_p = W·[rows[r(p)]; pairs[p]] + b. The result and the gradients equal
/// `Linear` on the concatenated pairs, with the same parameters (W is outputs × (row + pair
/// inputs), so weights port as they are); but W's row part multiplies each row once instead of
/// once per pair, in the forward and in both backward products, and the concatenation is never
/// built. The pair inputs get no gradient: they are data (tool embeddings).
public final class PairLinear {
    public let weight: Parameter
    public let bias: Parameter
    public let rowInputCount: Int
    public var pairInputCount: Int { weight.value.cols - rowInputCount }
    public var outputCount: Int { weight.value.rows }

    private var rowProjection = Matrix(rows: 0, cols: 0)
    private var output = Matrix(rows: 0, cols: 0)
    private var rowOutputGradient = Matrix(rows: 0, cols: 0)
    private var rowGradient = Matrix(rows: 0, cols: 0)
    /// Held from a training forward until its backward, as `Linear` holds its input.
    private var saved: (rows: Matrix, pairs: Matrix, pairRows: [Int])?

    /// Initialised as `Linear(name:inputs:outputs:)` with rowInputs + pairInputs inputs, drawing
    /// the same values from `generator`.
    public init(name: String, rowInputs: Int, pairInputs: Int, outputs: Int, generator: inout RandomGenerator) {
        let linear = Linear(name: name, inputs: rowInputs + pairInputs, outputs: outputs, generator: &generator)
        weight = linear.weight
        bias = linear.bias
        rowInputCount = rowInputs
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// One output row per pair; pair p joins `rows` row `pairRows[p]` with `pairs` row p.
    public func forward(rows: Matrix, pairs: Matrix, pairRows: [Int], training: Bool) -> Matrix {
        precondition(rows.cols == rowInputCount && pairs.cols == pairInputCount,
                     "\(weight.name): inputs have \(rows.cols) + \(pairs.cols) columns, expected \(rowInputCount) + \(pairInputCount)")
        precondition(pairRows.count == pairs.rows, "\(weight.name): \(pairRows.count) pair rows for \(pairs.rows) pairs")
        precondition(pairRows.allSatisfy { $0 >= 0 && $0 < rows.rows }, "\(weight.name): a pair names a row outside 0..<\(rows.rows)")
        let n = outputCount
        let stride = weight.value.cols
        rowProjection.resize(rows: rows.rows, cols: n)
        output.resize(rows: pairs.rows, cols: n)
        weight.value.storage.withUnsafeBufferPointer { w in
            rows.storage.withUnsafeBufferPointer { x in
                rowProjection.storage.withUnsafeMutableBufferPointer { projection in
                    MatrixProducts.multiply(m: rows.rows, n: n, k: rowInputCount, a: x.baseAddress, lda: rowInputCount, transposeA: false,
                                            b: w.baseAddress, ldb: stride, transposeB: true, beta: 0, c: projection.baseAddress, ldc: n)
                }
            }
            pairs.storage.withUnsafeBufferPointer { t in
                output.storage.withUnsafeMutableBufferPointer { y in
                    MatrixProducts.multiply(m: pairs.rows, n: n, k: pairInputCount, a: t.baseAddress, lda: pairInputCount, transposeA: false,
                                            b: w.baseAddress.map { $0 + rowInputCount }, ldb: stride, transposeB: true, beta: 0,
                                            c: y.baseAddress, ldc: n)
                }
            }
        }
        rowProjection.storage.withUnsafeBufferPointer { projection in
            bias.value.storage.withUnsafeBufferPointer { b in
                output.storage.withUnsafeMutableBufferPointer { y in
                    for (pair, row) in pairRows.enumerated() {
                        for j in 0..<n { y[pair * n + j] += projection[row * n + j] + b[j] }
                    }
                }
            }
        }
        saved = training ? (rows, pairs, pairRows) : nil
        return output
    }

    /// Accumulates the parameter gradients and returns the gradient with respect to `rows`: each
    /// row gets the sum over its pairs.
    public func backward(_ outputGradient: Matrix) -> Matrix {
        guard let (rows, pairs, pairRows) = saved else { preconditionFailure("\(weight.name): backward without a training forward") }
        saved = nil
        let n = outputCount
        let stride = weight.value.cols
        precondition(outputGradient.rows == pairs.rows && outputGradient.cols == n,
                     "\(weight.name): output gradient is \(outputGradient.rows)×\(outputGradient.cols), expected \(pairs.rows)×\(n)")
        rowOutputGradient.resize(rows: rows.rows, cols: n)
        rowOutputGradient.fill(0)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            rowOutputGradient.storage.withUnsafeMutableBufferPointer { dRow in
                bias.gradient.storage.withUnsafeMutableBufferPointer { db in
                    for (pair, row) in pairRows.enumerated() {
                        for j in 0..<n {
                            dRow[row * n + j] += dy[pair * n + j]
                            db[j] += dy[pair * n + j]
                        }
                    }
                }
            }
        }
        rowGradient.resize(rows: rows.rows, cols: rowInputCount)
        weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
            rowOutputGradient.storage.withUnsafeBufferPointer { dRow in
                rows.storage.withUnsafeBufferPointer { x in
                    MatrixProducts.multiply(m: n, n: rowInputCount, k: rows.rows, a: dRow.baseAddress, lda: n, transposeA: true,
                                            b: x.baseAddress, ldb: rowInputCount, transposeB: false, beta: 1, c: dw.baseAddress, ldc: stride)
                }
            }
            outputGradient.storage.withUnsafeBufferPointer { dy in
                pairs.storage.withUnsafeBufferPointer { t in
                    MatrixProducts.multiply(m: n, n: pairInputCount, k: pairs.rows, a: dy.baseAddress, lda: n, transposeA: true,
                                            b: t.baseAddress, ldb: pairInputCount, transposeB: false, beta: 1,
                                            c: dw.baseAddress.map { $0 + rowInputCount }, ldc: stride)
                }
            }
        }
        weight.value.storage.withUnsafeBufferPointer { w in
            rowOutputGradient.storage.withUnsafeBufferPointer { dRow in
                rowGradient.storage.withUnsafeMutableBufferPointer { dx in
                    MatrixProducts.multiply(m: rows.rows, n: rowInputCount, k: n, a: dRow.baseAddress, lda: n, transposeA: false,
                                            b: w.baseAddress, ldb: stride, transposeB: false, beta: 0, c: dx.baseAddress, ldc: rowInputCount)
                }
            }
        }
        return rowGradient
    }
}
