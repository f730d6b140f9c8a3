/// Inverted dropout: in training each value is zeroed with probability p and the rest scaled by
/// 1/(1−p); at inference the input passes through unchanged.
public final class Dropout: Layer {
    public let probability: Float
    /// Its own stream, seeded from the run's generator, so a checkpoint can save it.
    public var generator: RandomGenerator

    private var output = Matrix(rows: 0, cols: 0)
    private var inputGradient = Matrix(rows: 0, cols: 0)
    /// 0 or 1/(1−p) per value, from the last training forward.
    private var mask = Matrix(rows: 0, cols: 0)

    public init(probability: Float, generator: RandomGenerator) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) is outside [0, 1)")
        self.probability = probability
        self.generator = generator
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        guard training else { return input }
        mask.resize(rows: input.rows, cols: input.cols)
        output.resize(rows: input.rows, cols: input.cols)
        let count = input.count
        // Keep when a 24-bit uniform integer is at or above p·2²⁴; two draws per 64-bit word.
        let threshold = UInt64((Double(probability) * 0x1p24).rounded())
        let scale = 1 / (1 - probability)
        mask.storage.withUnsafeMutableBufferPointer { m in
            var i = 0
            while i < count {
                let word = generator.next()
                m[i] = (word >> 40) >= threshold ? scale : 0
                if i + 1 < count {
                    m[i + 1] = ((word >> 8) & 0xFF_FFFF) >= threshold ? scale : 0
                }
                i += 2
            }
        }
        multiplyElementwise(input, mask, into: &output)
        return output
    }

    public func backward(_ outputGradient: Matrix) -> Matrix {
        precondition(outputGradient.rows == mask.rows && outputGradient.cols == mask.cols,
                     "Dropout: output gradient is \(outputGradient.rows)×\(outputGradient.cols), expected \(mask.rows)×\(mask.cols)")
        inputGradient.resize(rows: outputGradient.rows, cols: outputGradient.cols)
        multiplyElementwise(outputGradient, mask, into: &inputGradient)
        return inputGradient
    }
}
