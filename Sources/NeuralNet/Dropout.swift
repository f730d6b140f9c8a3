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
        // Each 64-bit word gives four 16-bit uniform draws; an element is kept when its draw is at
        // or above p·2¹⁶, so p is applied rounded to a multiple of 2⁻¹⁶. Two words cover eight
        // elements, in the order of the bits.
        let threshold = SIMD8<Int32>(repeating: Int32((Double(probability) * 0x1p16).rounded()))
        let scale = 1 / (1 - probability)
        // A local copy: mutating the stored property would pay an exclusivity check per draw.
        var stream = generator
        defer { generator = stream }
        @inline(__always) func nextMask() -> FloatVector {
            let draws = unsafeBitCast(SIMD2<UInt64>(stream.next(), stream.next()), to: SIMD8<UInt16>.self)
            return FloatVector().replacing(with: scale, where: SIMD8<Int32>(truncatingIfNeeded: draws) .>= threshold)
        }
        input.storage.withUnsafeBufferPointer { xBuffer in
            mask.storage.withUnsafeMutableBufferPointer { maskBuffer in
                output.storage.withUnsafeMutableBufferPointer { yBuffer in
                    guard count > 0 else { return }
                    let (x, m, y) = (xBuffer.baseAddress!, maskBuffer.baseAddress!, yBuffer.baseAddress!)
                    let lanes = FloatVector.scalarCount
                    let fullCount = count - count % lanes
                    for i in stride(from: 0, to: fullCount, by: lanes) {
                        let keep = nextMask()
                        m.setVector(keep, at: i)
                        y.setVector(x.vector(at: i) * keep, at: i)
                    }
                    if fullCount < count {
                        let remaining = count - fullCount
                        let keep = nextMask()
                        m.setPartialVector(keep, at: fullCount, count: remaining)
                        y.setPartialVector(x.partialVector(at: fullCount, count: remaining) * keep, at: fullCount, count: remaining)
                    }
                }
            }
        }
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
