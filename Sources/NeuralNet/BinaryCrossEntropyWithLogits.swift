import Foundation

/// Binary cross-entropy on logits, averaged over every element, as PyTorch's
/// `binary_cross_entropy_with_logits(pos_weight:)`: ℓ = −[p·y·log σ(x) + (1−y)·log(1−σ(x))],
/// with p the positive weight of the element's column.
///
/// Computed as p·y·softplus(−x) + (1−y)·softplus(x), with softplus(x) = max(x, 0) + log1p(e^−|x|),
/// which neither overflows nor loses the small probabilities for large |x|.
public final class BinaryCrossEntropyWithLogits {
    /// One weight per column for positive targets, or nil for 1.
    public let positiveWeights: [Float]?
    private var gradient = Matrix(rows: 0, cols: 0)

    public init(positiveWeights: [Float]? = nil) {
        self.positiveWeights = positiveWeights
    }

    /// `targets` are in [0, 1] with the shape of `logits`.
    public func evaluate(logits: Matrix, targets: Matrix) -> (loss: Float, gradient: Matrix) {
        precondition(targets.rows == logits.rows && targets.cols == logits.cols,
                     "binary cross-entropy: targets are \(targets.rows)×\(targets.cols), logits \(logits.rows)×\(logits.cols)")
        if let positiveWeights {
            precondition(positiveWeights.count == logits.cols, "binary cross-entropy: \(positiveWeights.count) positive weights for \(logits.cols) columns")
        }
        gradient.resize(rows: logits.rows, cols: logits.cols)
        let cols = logits.cols
        let count = logits.count
        let inverseCount = 1 / Float(count)
        var total: Double = 0
        logits.storage.withUnsafeBufferPointer { x in
            targets.storage.withUnsafeBufferPointer { y in
                gradient.storage.withUnsafeMutableBufferPointer { g in
                    for i in 0..<count {
                        let p = positiveWeights?[i % cols] ?? 1
                        let v = x[i]
                        let logTerm = Foundation.log1p(Foundation.exp(-abs(v)))
                        let softplusPositive = max(v, 0) + logTerm
                        let softplusNegative = max(-v, 0) + logTerm
                        total += Double(p * y[i] * softplusNegative + (1 - y[i]) * softplusPositive)
                        let sigmoid = Probabilities.sigmoid(v)
                        // d/dx: −p·y·(1−σ) + (1−y)·σ
                        g[i] = (-p * y[i] * (1 - sigmoid) + (1 - y[i]) * sigmoid) * inverseCount
                    }
                }
            }
        }
        return (Float(total / Double(count)), gradient)
    }
}
