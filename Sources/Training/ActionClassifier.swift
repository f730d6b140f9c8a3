import Episodes
import Foundation
import Metrics
import NeuralNet

/// The baseline of Agent Action Guard: an MLP (384 → 128 → 64 → classes, each hidden block
/// Linear → LayerNorm → GELU → Dropout) on one text embedding — the pending action alone —
/// trained with class-weighted cross-entropy and Adam.
public enum ActionClassifier {
    public struct Config: Codable, Equatable, Sendable {
        public init() {}

        /// Optimiser steps (batches).
        public var steps = 1500
        /// Examples per batch.
        public var batchSize = 32
        /// Hidden widths of the MLP.
        public var hidden = [128, 64]
        /// Dropout after each hidden block.
        public var dropout = 0.1
        /// Adam's learning rate (constant).
        public var learningRate = 1e-3

        func validate(prefix: String) throws {
            try validateCommon(prefix: prefix, steps: steps, batchSize: batchSize, hidden: hidden.min() ?? 0, dropout: dropout,
                               warmupSteps: 0, evalInterval: 1)
        }
    }

    /// A trained classifier over `classes` labels.
    final class Model {
        let network: Sequential
        let classes: Int

        init(network: Sequential, classes: Int) {
            self.network = network
            self.classes = classes
        }

        func predict(_ inputs: [[Float]]) -> [Int] {
            probabilities(inputs).map { values in values.indices.max { values[$0] < values[$1] }! }
        }

        /// Softmax over the classes, per input.
        func probabilities(_ inputs: [[Float]]) -> [[Float]] {
            guard let width = inputs.first?.count else { return [] }
            let logits = network.forward(Matrix.stacking(inputs, cols: width), training: false)
            return (0..<inputs.count).map { row in Probabilities.softmax(Array(logits.row(row))) }
        }
    }

    /// Trains on (embedding, class) pairs with balanced class weights.
    static func train(inputs: [[Float]], targets: [Int], classes: Int, config: Config, seed: UInt64) -> Model {
        precondition(!inputs.isEmpty && inputs.count == targets.count)
        var generator = RandomGenerator(seed: seed)
        let network = Sequential.classifier(inputs: inputs[0].count, hidden: config.hidden, classes: classes,
                                            dropout: Float(config.dropout), generator: &generator)
        var counts = [Int](repeating: 0, count: classes)
        for target in targets { counts[target] += 1 }
        let weights = counts.map { $0 == 0 ? Float(0) : Float(targets.count) / Float(classes * $0) }
        let loss = SoftmaxCrossEntropy(classWeights: weights)
        let optimizer = AdamW(parameters: network.parameters, configuration: .init(weightDecay: 0))
        var order = ExampleOrder(count: inputs.count, batchSize: config.batchSize, seed: seed &+ 1)
        let width = inputs[0].count
        for step in 0..<config.steps {
            let batch = order.batch(atStep: step)
            optimizer.zeroGradients()
            let logits = network.forward(Matrix.stacking(batch.map { inputs[$0] }, cols: width), training: true)
            network.backward(loss.evaluate(logits: logits, targets: batch.map { targets[$0] }).gradient)
            optimizer.update(learningRate: Float(config.learningRate))
        }
        return Model(network: network, classes: classes)
    }
}
