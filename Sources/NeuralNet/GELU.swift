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
        if training { derivative.resize(rows: input.rows, cols: input.cols) }
        let count = input.count
        input.storage.withUnsafeBufferPointer { xBuffer in
            output.storage.withUnsafeMutableBufferPointer { yBuffer in
                derivative.storage.withUnsafeMutableBufferPointer { dBuffer in
                    guard count > 0 else { return }
                    let (x, y) = (xBuffer.baseAddress!, yBuffer.baseAddress!)
                    let d = training ? dBuffer.baseAddress : nil
                    ElementThreads.forEachRange(count: count) { _, range in Self.apply(range, x: x, y: y, derivative: d) }
                }
            }
        }
        return output
    }

    /// y = GELU(x) over `range`, and dy/dx into `derivative` when it is given; eight at a time,
    /// then the tail.
    private static func apply(_ range: Range<Int>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                              derivative d: UnsafeMutablePointer<Float>?) {
        let lanes = FloatVector.scalarCount
        let fullEnd = range.lowerBound + range.count - range.count % lanes
        let tail = range.upperBound - fullEnd
        if let d {
            for i in stride(from: range.lowerBound, to: fullEnd, by: lanes) {
                let result = valueAndDerivative(x.vector(at: i))
                y.setVector(result.output, at: i)
                d.setVector(result.derivative, at: i)
            }
            if tail > 0 {
                let result = valueAndDerivative(x.partialVector(at: fullEnd, count: tail))
                y.setPartialVector(result.output, at: fullEnd, count: tail)
                d.setPartialVector(result.derivative, at: fullEnd, count: tail)
            }
        } else {
            for i in stride(from: range.lowerBound, to: fullEnd, by: lanes) {
                let v = x.vector(at: i)
                y.setVector(v * cdf(v), at: i)
            }
            if tail > 0 {
                let v = x.partialVector(at: fullEnd, count: tail)
                y.setPartialVector(v * cdf(v), at: fullEnd, count: tail)
            }
        }
    }

    /// Φ(x), the standard normal distribution function.
    @inline(__always)
    static func cdf(_ x: FloatVector) -> FloatVector {
        0.5 + 0.5 * FastMath.erf(x * 0.70710678118654752)
    }

    /// x·Φ(x) and its derivative Φ(x) + x·φ(x), with φ(x) = e^(−x²/2)/√(2π).
    @inline(__always)
    static func valueAndDerivative(_ x: FloatVector) -> (output: FloatVector, derivative: FloatVector) {
        let phi = cdf(x)
        return (x * phi, phi + x * 0.39894228040143268 * FastMath.exp(-0.5 * x * x))
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
    a.storage.withUnsafeBufferPointer { aBuffer in
        b.storage.withUnsafeBufferPointer { bBuffer in
            out.storage.withUnsafeMutableBufferPointer { outBuffer in
                guard count > 0 else { return }
                let (a, b, out) = (aBuffer.baseAddress!, bBuffer.baseAddress!, outBuffer.baseAddress!)
                let lanes = FloatVector.scalarCount
                let fullCount = count - count % lanes
                for i in stride(from: 0, to: fullCount, by: lanes) {
                    out.setVector(a.vector(at: i) * b.vector(at: i), at: i)
                }
                for i in fullCount..<count { out[i] = a[i] * b[i] }
            }
        }
    }
}
