/// Mean over every element of (prediction − target)².
public final class MeanSquaredError {
    private var gradient = Matrix(rows: 0, cols: 0)

    public init() {}

    /// The gradient is with respect to `predictions`.
    public func evaluate(predictions: Matrix, targets: Matrix) -> (loss: Float, gradient: Matrix) {
        precondition(targets.rows == predictions.rows && targets.cols == predictions.cols,
                     "mean squared error: targets are \(targets.rows)×\(targets.cols), predictions \(predictions.rows)×\(predictions.cols)")
        gradient.resize(rows: predictions.rows, cols: predictions.cols)
        let count = predictions.count
        let scale = 2 / Float(count)
        var total: Double = 0
        predictions.storage.withUnsafeBufferPointer { p in
            targets.storage.withUnsafeBufferPointer { t in
                gradient.storage.withUnsafeMutableBufferPointer { g in
                    for i in 0..<count {
                        let d = p[i] - t[i]
                        total += Double(d * d)
                        g[i] = scale * d
                    }
                }
            }
        }
        return (Float(total / Double(count)), gradient)
    }
}
