/// Layers applied in order. Its backward skips the input gradient of the first layer, which a
/// network's input never needs.
///
/// A training step:
/// ```
/// optimizer.zeroGradients()
/// let logits = model.forward(batch, training: true)
/// let (loss, gradient) = crossEntropy.evaluate(logits: logits, targets: labels)
/// model.backward(gradient)
/// optimizer.update(learningRate: schedule.rate(atStep: optimizer.step),
///                  gradientScale: gradientClipScale(optimizer.parameters, maxNorm: 1))
/// ```
/// Several heads on one trunk: each head's `backwardToInput` gives a gradient for the trunk's
/// output; sum them (`Matrix.add`) and pass the sum to the trunk's `backward`.
public final class Sequential {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    /// Every parameter, in layer order; names are unique when the layers were named uniquely.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        var x = input
        for layer in layers {
            x = layer.forward(x, training: training)
        }
        return x
    }

    /// Backward through every layer after a `forward(training: true)`, accumulating parameter
    /// gradients.
    public func backward(_ outputGradient: Matrix) {
        guard let first = layers.first else { return }
        var gradient = outputGradient
        for layer in layers.dropFirst().reversed() {
            gradient = layer.backward(gradient)
        }
        first.accumulateParameterGradients(gradient)
    }

    /// Backward that also returns the gradient with respect to the network's input, for a
    /// network fed by another one.
    public func backwardToInput(_ outputGradient: Matrix) -> Matrix {
        var gradient = outputGradient
        for layer in layers.reversed() {
            gradient = layer.backward(gradient)
        }
        return gradient
    }

    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}
