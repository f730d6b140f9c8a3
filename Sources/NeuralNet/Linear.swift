/// y = x·Wᵀ + b, with W stored as outputs × inputs (PyTorch's layout, so weights port as they are).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public var inputCount: Int { weight.value.cols }
    public var outputCount: Int { weight.value.rows }

    private var output = Matrix(rows: 0, cols: 0)
    private var inputGradient = Matrix(rows: 0, cols: 0)
    /// Held from a training forward until its backward, then released so the producer of the
    /// input can overwrite its workspace without a copy.
    private var savedInput: Matrix?

    /// Initialised as PyTorch's `nn.Linear`: weight and bias uniform in ±1/√inputs.
    public init(name: String, inputs: Int, outputs: Int, generator: inout RandomGenerator) {
        let bound = 1 / Float(inputs).squareRoot()
        weight = Parameter(name: "\(name).weight",
                           value: .randomUniform(rows: outputs, cols: inputs, in: -bound..<bound, using: &generator))
        bias = Parameter(name: "\(name).bias",
                         value: .randomUniform(rows: 1, cols: outputs, in: -bound..<bound, using: &generator))
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        precondition(input.cols == inputCount, "\(weight.name): input has \(input.cols) columns, expected \(inputCount)")
        output.resize(rows: input.rows, cols: outputCount)
        let n = outputCount
        bias.value.storage.withUnsafeBufferPointer { b in
            output.storage.withUnsafeMutableBufferPointer { y in
                for row in 0..<input.rows {
                    let offset = row * n
                    for j in 0..<n { y[offset + j] = b[j] }
                }
            }
        }
        Matrix.multiply(input, weight.value, transposeB: true, into: &output, beta: 1)
        savedInput = training ? input : nil
        return output
    }

    public func backward(_ outputGradient: Matrix) -> Matrix {
        accumulateParameterGradients(outputGradient)
        inputGradient.resize(rows: outputGradient.rows, cols: inputCount)
        Matrix.multiply(outputGradient, weight.value, into: &inputGradient)
        return inputGradient
    }

    public func accumulateParameterGradients(_ outputGradient: Matrix) {
        guard let input = savedInput else {
            preconditionFailure("\(weight.name): backward without a training forward")
        }
        savedInput = nil
        precondition(outputGradient.rows == input.rows && outputGradient.cols == outputCount,
                     "\(weight.name): output gradient is \(outputGradient.rows)×\(outputGradient.cols), expected \(input.rows)×\(outputCount)")
        Matrix.multiply(outputGradient, input, transposeA: true, into: &weight.gradient, beta: 1)
        let n = outputCount
        outputGradient.storage.withUnsafeBufferPointer { dy in
            bias.gradient.storage.withUnsafeMutableBufferPointer { db in
                for row in 0..<outputGradient.rows {
                    let offset = row * n
                    for j in 0..<n { db[j] += dy[offset + j] }
                }
            }
        }
    }
}
