/// GELU in its exact form, x·Φ(x) = 0.5·x·(1 + erf(x/√2)).
public final class GELU: Layer {
    private var output = Matrix(rows: 0, cols: 0)
    private var inputGradient = Matrix(rows: 0, cols: 0)
    /// dy/dx = Φ(x) + x·φ(x) from the last training forward, so backward needs no input.
    private var derivative = Matrix(rows: 0, cols: 0)

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        output.resize(rows: input.rows, cols: input.cols)
        let count = input.count
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                if training {
                    derivative.resize(rows: input.rows, cols: input.cols)
                    derivative.storage.withUnsafeMutableBufferPointer { d in
                        for i in 0..<count {
                            let v = x[i]
                            let cdf = 0.5 + 0.5 * FastMath.erf(v * 0.70710678118654752)
                            y[i] = v * cdf
                            d[i] = cdf + v * 0.39894228040143268 * FastMath.exp(-0.5 * v * v)
                        }
                    }
                } else {
                    for i in 0..<count {
                        let v = x[i]
                        y[i] = v * (0.5 + 0.5 * FastMath.erf(v * 0.70710678118654752))
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Matrix) -> Matrix {
        precondition(outputGradient.rows == derivative.rows && outputGradient.cols == derivative.cols,
                     "GELU: output gradient is \(outputGradient.rows)×\(outputGradient.cols), expected \(derivative.rows)×\(derivative.cols)")
        inputGradient.resize(rows: outputGradient.rows, cols: outputGradient.cols)
        multiplyElementwise(outputGradient, derivative, into: &inputGradient)
        return inputGradient
    }
}

/// out = a ⊙ b; all three the same shape.
func multiplyElementwise(_ a: Matrix, _ b: Matrix, into out: inout Matrix) {
    let count = out.count
    a.storage.withUnsafeBufferPointer { a in
        b.storage.withUnsafeBufferPointer { b in
            out.storage.withUnsafeMutableBufferPointer { out in
                for i in 0..<count { out[i] = a[i] * b[i] }
            }
        }
    }
}
