/// max(0, x); the gradient at 0 is taken as 0, as PyTorch does.
public final class ReLU: Layer {
    private var output = Matrix(rows: 0, cols: 0)
    private var inputGradient = Matrix(rows: 0, cols: 0)

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        output.resize(rows: input.rows, cols: input.cols)
        let count = input.count
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
            }
        }
        return output
    }

    /// Uses the forward output: y > 0 exactly where x > 0.
    public func backward(_ outputGradient: Matrix) -> Matrix {
        precondition(outputGradient.rows == output.rows && outputGradient.cols == output.cols,
                     "ReLU: output gradient is \(outputGradient.rows)×\(outputGradient.cols), expected \(output.rows)×\(output.cols)")
        inputGradient.resize(rows: outputGradient.rows, cols: outputGradient.cols)
        let count = output.count
        outputGradient.storage.withUnsafeBufferPointer { dy in
            output.storage.withUnsafeBufferPointer { y in
                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<count { dx[i] = y[i] > 0 ? dy[i] : 0 }
                }
            }
        }
        return inputGradient
    }
}
