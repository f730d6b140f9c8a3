import Foundation

/// Softmax cross-entropy over the columns of each row, with optional per-class weights, as
/// PyTorch's `cross_entropy(weight:)`: the loss is Σᵢ w_yᵢ·nllᵢ / Σᵢ w_yᵢ.
public final class SoftmaxCrossEntropy {
    public let classWeights: [Float]?
    private var gradient = Matrix(rows: 0, cols: 0)

    public init(classWeights: [Float]? = nil) {
        self.classWeights = classWeights
    }

    /// The loss and its gradient with respect to `logits`. The gradient is a workspace that the
    /// next call overwrites.
    public func evaluate(logits: Matrix, targets: [Int]) -> (loss: Float, gradient: Matrix) {
        let rows = logits.rows
        let classes = logits.cols
        precondition(targets.count == rows, "cross-entropy: \(targets.count) targets for \(rows) rows")
        if let classWeights {
            precondition(classWeights.count == classes, "cross-entropy: \(classWeights.count) class weights for \(classes) classes")
        }
        gradient.resize(rows: rows, cols: classes)
        var weightedLoss: Double = 0
        var totalWeight: Double = 0
        logits.storage.withUnsafeBufferPointer { z in
            gradient.storage.withUnsafeMutableBufferPointer { g in
                for row in 0..<rows {
                    let target = targets[row]
                    precondition(target >= 0 && target < classes, "cross-entropy: target \(target) in row \(row) is not a class of 0..<\(classes)")
                    let offset = row * classes
                    var maximum = z[offset]
                    for j in 1..<classes { maximum = max(maximum, z[offset + j]) }
                    var sum: Float = 0
                    for j in 0..<classes {
                        let e = Foundation.exp(z[offset + j] - maximum)
                        g[offset + j] = e
                        sum += e
                    }
                    let weight = classWeights?[target] ?? 1
                    weightedLoss += Double(weight) * Double(Foundation.log(sum) - (z[offset + target] - maximum))
                    totalWeight += Double(weight)
                    let inverseSum = 1 / sum
                    for j in 0..<classes { g[offset + j] *= inverseSum * weight }
                    g[offset + target] -= weight
                }
                precondition(totalWeight > 0, "cross-entropy: the targets' class weights sum to 0")
                let inverseTotal = Float(1 / totalWeight)
                for i in 0..<(rows * classes) { g[i] *= inverseTotal }
            }
        }
        return (Float(weightedLoss / totalWeight), gradient)
    }
}
