import Foundation

/// Probabilities from logits: softmax and sigmoid, each written once for Float and Double.
public enum Probabilities {
    /// Softmax of each row.
    public static func softmax(rows logits: Matrix) -> Matrix {
        var result = logits
        let cols = logits.cols
        guard cols > 0 else { return result }
        result.storage.withUnsafeMutableBufferPointer { p in
            for row in 0..<logits.rows {
                softmax(inPlace: UnsafeMutableBufferPointer(rebasing: p[(row * cols)..<((row + 1) * cols)]))
            }
        }
        return result
    }

    /// Softmax of one row, in the precision of its logits: the runtime reports Double
    /// probabilities, training works in Float, and both come from this one formula.
    public static func softmax<Scalar: ProbabilityScalar>(_ logits: [Scalar]) -> [Scalar] {
        var result = logits
        result.withUnsafeMutableBufferPointer { softmax(inPlace: $0) }
        return result
    }

    /// Shifted by the row's maximum so large logits do not overflow.
    static func softmax<Scalar: ProbabilityScalar>(inPlace row: UnsafeMutableBufferPointer<Scalar>) {
        guard var maximum = row.first else { return }
        for value in row.dropFirst() { maximum = max(maximum, value) }
        var sum: Scalar = 0
        for j in row.indices {
            row[j] = Scalar.exponential(row[j] - maximum)
            sum += row[j]
        }
        for j in row.indices { row[j] /= sum }
    }

    /// σ(x) = 1/(1 + e^−x), in the precision of x, written so that e^x is taken only where it
    /// cannot overflow: the logistic of the binary loss's gradient and of stage 3's sampling.
    public static func sigmoid<Scalar: ProbabilityScalar>(_ x: Scalar) -> Scalar {
        x >= 0 ? 1 / (1 + Scalar.exponential(-x)) : Scalar.exponential(x) / (1 + Scalar.exponential(x))
    }

    /// `sigmoid` of each element.
    public static func sigmoid(_ logits: Matrix) -> Matrix {
        var result = logits
        result.storage.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = sigmoid(p[i]) }
        }
        return result
    }
}

/// The precisions softmax and sigmoid run in; `exponential` is Foundation's `exp` for each.
public protocol ProbabilityScalar: BinaryFloatingPoint {
    static func exponential(_ x: Self) -> Self
}

extension Float: ProbabilityScalar {
    public static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
}

extension Double: ProbabilityScalar {
    public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
}
