/// Normalises each row to zero mean and unit variance (biased variance, as PyTorch), then
/// applies a learned per-column gain (`weight`) and `bias`.
public final class LayerNorm: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let epsilon: Float
    public var width: Int { weight.value.cols }

    private var output = Matrix(rows: 0, cols: 0)
    private var inputGradient = Matrix(rows: 0, cols: 0)
    /// x̂ and 1/σ per row from the last training forward.
    private var normalized = Matrix(rows: 0, cols: 0)
    private var inverseStandardDeviation: [Float] = []

    public init(name: String, width: Int, epsilon: Float = 1e-5) {
        weight = Parameter(name: "\(name).weight", value: Matrix(rows: 1, cols: width, repeating: 1))
        bias = Parameter(name: "\(name).bias", value: Matrix(rows: 1, cols: width))
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        precondition(input.cols == width, "\(weight.name): input has \(input.cols) columns, expected \(width)")
        let n = width
        let rows = input.rows
        output.resize(rows: rows, cols: n)
        if training {
            normalized.resize(rows: rows, cols: n)
            if inverseStandardDeviation.count != rows {
                inverseStandardDeviation = Array(repeating: 0, count: rows)
            }
        }
        let inverseWidth = 1 / Float(n)
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                normalized.storage.withUnsafeMutableBufferPointer { xHat in
                    inverseStandardDeviation.withUnsafeMutableBufferPointer { rstdOut in
                        weight.value.storage.withUnsafeBufferPointer { gain in
                            bias.value.storage.withUnsafeBufferPointer { shift in
                                for row in 0..<rows {
                                    let offset = row * n
                                    var sum: Float = 0
                                    for j in 0..<n { sum += x[offset + j] }
                                    let mean = sum * inverseWidth
                                    var squares: Float = 0
                                    for j in 0..<n {
                                        let d = x[offset + j] - mean
                                        squares += d * d
                                    }
                                    let rstd = 1 / (squares * inverseWidth + epsilon).squareRoot()
                                    if training {
                                        rstdOut[row] = rstd
                                        for j in 0..<n {
                                            let h = (x[offset + j] - mean) * rstd
                                            xHat[offset + j] = h
                                            y[offset + j] = h * gain[j] + shift[j]
                                        }
                                    } else {
                                        for j in 0..<n {
                                            y[offset + j] = (x[offset + j] - mean) * rstd * gain[j] + shift[j]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·weight, per row.
    public func backward(_ outputGradient: Matrix) -> Matrix {
        let n = width
        let rows = outputGradient.rows
        precondition(normalized.rows == rows && outputGradient.cols == n,
                     "\(weight.name): output gradient is \(rows)×\(outputGradient.cols), expected \(normalized.rows)×\(n)")
        inputGradient.resize(rows: rows, cols: n)
        let inverseWidth = 1 / Float(n)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            normalized.storage.withUnsafeBufferPointer { xHat in
                inverseStandardDeviation.withUnsafeBufferPointer { rstd in
                    weight.value.storage.withUnsafeBufferPointer { gain in
                        weight.gradient.storage.withUnsafeMutableBufferPointer { dGain in
                            bias.gradient.storage.withUnsafeMutableBufferPointer { dShift in
                                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                                    for row in 0..<rows {
                                        let offset = row * n
                                        var sumG: Float = 0
                                        var sumGXHat: Float = 0
                                        for j in 0..<n {
                                            let g = dy[offset + j] * gain[j]
                                            sumG += g
                                            sumGXHat += g * xHat[offset + j]
                                            dGain[j] += dy[offset + j] * xHat[offset + j]
                                            dShift[j] += dy[offset + j]
                                        }
                                        let meanG = sumG * inverseWidth
                                        let meanGXHat = sumGXHat * inverseWidth
                                        let r = rstd[row]
                                        for j in 0..<n {
                                            let g = dy[offset + j] * gain[j]
                                            dx[offset + j] = r * (g - meanG - xHat[offset + j] * meanGXHat)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
