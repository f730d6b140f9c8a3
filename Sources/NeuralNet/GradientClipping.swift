/// Scales all gradients together so that their global L2 norm is at most `maxNorm`, as PyTorch's
/// `clip_grad_norm_` (factor maxNorm/(norm + 1e-6), never above 1). Returns the norm before
/// clipping, which is worth logging.
@discardableResult
public func clipGradients(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var squares: Double = 0
    for parameter in parameters {
        parameter.gradient.storage.withUnsafeBufferPointer { g in
            guard let base = g.baseAddress else { return }
            squares += Double(RowKernels.sumOfSquaredDeviations(base, mean: 0, count: g.count))
        }
    }
    let norm = Float(squares.squareRoot())
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for parameter in parameters {
            parameter.gradient.storage.withUnsafeMutableBufferPointer { g in
                for i in g.indices { g[i] *= factor }
            }
        }
    }
    return norm
}
