import Foundation

/// Probabilities from logits, for inference (the losses compute their own during training).
public enum Probabilities {
    /// Softmax of each row, shifted by the row's maximum so large logits do not overflow.
    public static func softmax(rows logits: Matrix) -> Matrix {
        var result = logits
        let cols = logits.cols
        guard cols > 0 else { return result }
        result.storage.withUnsafeMutableBufferPointer { p in
            for row in 0..<logits.rows {
                let offset = row * cols
                var maximum = p[offset]
                for j in 1..<cols { maximum = max(maximum, p[offset + j]) }
                var sum: Float = 0
                for j in 0..<cols {
                    p[offset + j] = Foundation.exp(p[offset + j] - maximum)
                    sum += p[offset + j]
                }
                for j in 0..<cols { p[offset + j] /= sum }
            }
        }
        return result
    }

    /// σ(x) = 1/(1 + e^−x) per element, written so that neither sign overflows.
    public static func sigmoid(_ logits: Matrix) -> Matrix {
        var result = logits
        result.storage.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let x = p[i]
                p[i] = x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
            }
        }
        return result
    }
}
