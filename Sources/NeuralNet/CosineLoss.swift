/// Mean over rows of 1 − cos(prediction, target). Norms are floored at `epsilon` (as PyTorch's
/// `cosine_similarity`) so a zero row gives a finite loss.
public final class CosineLoss {
    public let epsilon: Float
    private var gradient = Matrix(rows: 0, cols: 0)

    public init(epsilon: Float = 1e-8) {
        self.epsilon = epsilon
    }

    /// The gradient is with respect to `predictions`; the targets are constants.
    public func evaluate(predictions: Matrix, targets: Matrix) -> (loss: Float, gradient: Matrix) {
        precondition(targets.rows == predictions.rows && targets.cols == predictions.cols,
                     "cosine loss: targets are \(targets.rows)×\(targets.cols), predictions \(predictions.rows)×\(predictions.cols)")
        let rows = predictions.rows
        let cols = predictions.cols
        gradient.resize(rows: rows, cols: cols)
        let inverseRows = 1 / Float(rows)
        var total: Double = 0
        predictions.storage.withUnsafeBufferPointer { p in
            targets.storage.withUnsafeBufferPointer { t in
                gradient.storage.withUnsafeMutableBufferPointer { g in
                    for row in 0..<rows {
                        let offset = row * cols
                        var dot: Float = 0
                        var pp: Float = 0
                        var tt: Float = 0
                        for j in 0..<cols {
                            dot += p[offset + j] * t[offset + j]
                            pp += p[offset + j] * p[offset + j]
                            tt += t[offset + j] * t[offset + j]
                        }
                        let pNorm = max(pp.squareRoot(), epsilon)
                        let tNorm = max(tt.squareRoot(), epsilon)
                        let cosine = dot / (pNorm * tNorm)
                        total += Double(1 - cosine)
                        // d cos / dp = t/(|p||t|) − cos·p/|p|²
                        let a = inverseRows / (pNorm * tNorm)
                        let b = inverseRows * cosine / (pNorm * pNorm)
                        for j in 0..<cols {
                            g[offset + j] = -(a * t[offset + j] - b * p[offset + j])
                        }
                    }
                }
            }
        }
        return (Float(total / Double(rows)), gradient)
    }
}
