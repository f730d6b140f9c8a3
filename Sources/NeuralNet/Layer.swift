/// A differentiable step of a network with a hand-written backward pass.
///
/// `forward` returns the layer's own output workspace; `backward` must follow the
/// `forward(training: true)` it differentiates, accumulates (adds) into the parameters'
/// gradients and returns the gradient with respect to the forward input. Returned matrices are
/// overwritten by the next call, so callers must not keep them across steps (copy-on-write keeps
/// that correct, but costs an allocation).
public protocol Layer: AnyObject {
    var parameters: [Parameter] { get }
    func forward(_ input: Matrix, training: Bool) -> Matrix
    func backward(_ outputGradient: Matrix) -> Matrix
    /// The backward pass of a layer whose input needs no gradient (the first layer of a network):
    /// only the parameter gradients are accumulated.
    func accumulateParameterGradients(_ outputGradient: Matrix)
}

extension Layer {
    public func accumulateParameterGradients(_ outputGradient: Matrix) {
        _ = backward(outputGradient)
    }
}
