/// The factor that scales all gradients together so that their global L2 norm is at most
/// `maxNorm`, as PyTorch's `clip_grad_norm_` (maxNorm/(norm + 1e-6), never above 1), for
/// `AdamW.update(learningRate:gradientScale:)`, which applies it while it reads them: every
/// stage clips this one way, without a pass that rewrites the gradients.
public func gradientClipScale(_ parameters: [Parameter], maxNorm: Float) -> Float {
    min(1, maxNorm / (gradientNorm(parameters) + 1e-6))
}

/// The global L2 norm of all the gradients.
func gradientNorm(_ parameters: [Parameter]) -> Float {
    var squares: Double = 0
    for parameter in parameters {
        parameter.gradient.storage.withUnsafeBufferPointer { g in
            guard let base = g.baseAddress else { return }
            squares += ElementThreads.sum(count: g.count) { range in
                Double(RowKernels.sumOfSquaredDeviations(base + range.lowerBound, mean: 0, count: range.count))
            }
        }
    }
    return Float(squares.squareRoot())
}
