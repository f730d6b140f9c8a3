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
    private var inverseStandardDeviation = Matrix(rows: 0, cols: 0)

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
            inverseStandardDeviation.resize(rows: rows, cols: 1)
        }
        let inverseWidth = 1 / Float(n)
        input.storage.withUnsafeBufferPointer { xBuffer in
            output.storage.withUnsafeMutableBufferPointer { yBuffer in
                normalized.storage.withUnsafeMutableBufferPointer { xHatBuffer in
                    inverseStandardDeviation.storage.withUnsafeMutableBufferPointer { rstdOut in
                        weight.value.storage.withUnsafeBufferPointer { gainBuffer in
                            bias.value.storage.withUnsafeBufferPointer { shiftBuffer in
                                guard rows > 0, n > 0 else { return }
                                let (gain, shift) = (gainBuffer.baseAddress!, shiftBuffer.baseAddress!)
                                for row in 0..<rows {
                                    let x = xBuffer.baseAddress! + row * n
                                    let y = yBuffer.baseAddress! + row * n
                                    let mean = RowKernels.sum(x, count: n) * inverseWidth
                                    let rstd = 1 / (RowKernels.sumOfSquaredDeviations(x, mean: mean, count: n) * inverseWidth + epsilon).squareRoot()
                                    if training {
                                        rstdOut[row] = rstd
                                        RowKernels.normalize(x, mean: mean, scale: rstd, gain: gain, shift: shift,
                                                             normalized: xHatBuffer.baseAddress! + row * n, output: y, count: n)
                                    } else {
                                        RowKernels.normalize(x, mean: mean, scale: rstd, gain: gain, shift: shift,
                                                             normalized: nil, output: y, count: n)
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
        outputGradient.storage.withUnsafeBufferPointer { dyBuffer in
            normalized.storage.withUnsafeBufferPointer { xHatBuffer in
                inverseStandardDeviation.storage.withUnsafeBufferPointer { rstd in
                    weight.value.storage.withUnsafeBufferPointer { gainBuffer in
                        weight.gradient.storage.withUnsafeMutableBufferPointer { dGainBuffer in
                            bias.gradient.storage.withUnsafeMutableBufferPointer { dShiftBuffer in
                                inputGradient.storage.withUnsafeMutableBufferPointer { dxBuffer in
                                    guard rows > 0, n > 0 else { return }
                                    for row in 0..<rows {
                                        RowKernels.layerNormBackward(
                                            dy: dyBuffer.baseAddress! + row * n, xHat: xHatBuffer.baseAddress! + row * n,
                                            rstd: rstd[row], inverseWidth: inverseWidth, gain: gainBuffer.baseAddress!,
                                            gainGradient: dGainBuffer.baseAddress!, shiftGradient: dShiftBuffer.baseAddress!,
                                            dx: dxBuffer.baseAddress! + row * n, count: n)
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
