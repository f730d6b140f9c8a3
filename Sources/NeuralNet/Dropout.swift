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
        // Four 16-bit uniform draws per 64-bit word; an element is kept when its draw is at or
        // above p·2¹⁶, so p is applied rounded to a multiple of 2⁻¹⁶.
        let threshold = UInt64((Double(probability) * 0x1p16).rounded())
        let scale = 1 / (1 - probability)
        // A local copy: mutating the stored property would pay an exclusivity check per draw.
        var stream = generator
        defer { generator = stream }
        mask.storage.withUnsafeMutableBufferPointer { m in
            var i = 0
            while i < count {
                let word = stream.next()
                for lane in 0..<min(4, count - i) {
                    m[i + lane] = (word >> UInt64(16 * lane)) & 0xFFFF >= threshold ? scale : 0
                }
                i += 4
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
