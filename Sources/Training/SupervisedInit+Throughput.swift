import NeuralNet
import PolicyRuntime

extension SupervisedInit {
    /// A stage-2 training step as `train` runs it — policy forward and backward over the verdict
    /// and withhold heads, gradient clipping, AdamW — on random inputs shaped as the MiniLM
    /// features (state, world-model prediction, `toolsPerStep` tool embeddings per example), for
    /// benchmarks. Each call of the returned closure trains one batch of `batchSize`.
    public static func benchmarkStep(batchSize: Int, toolsPerStep: Int, dimension: Int = 384, config: Config = Config()) -> () -> Void {
        var generator = RandomGenerator(seed: 1)
        let inputs = StateFeatures.parts * dimension + WorldModel.predictionWidth(dimension: dimension)
        let network = PolicyNetwork(inputs: inputs, toolDimension: dimension, config: config, name: "policy", generator: &generator)
        let optimizer = AdamW(parameters: network.parameters, configuration: .init(weightDecay: Float(config.weightDecay)))
        let batch = Matrix.randomNormal(rows: batchSize, cols: inputs, using: &generator)
        let tool = (0..<toolsPerStep).map { _ in Matrix.randomNormal(rows: 1, cols: dimension, using: &generator).storage }
        let pairs = (0..<batchSize).flatMap { row in tool.map { (row: row, embedding: $0) } }
        let targets = (0..<batchSize).map { $0 % 3 }
        let toolTargets = Matrix(rows: pairs.count, cols: 1, storage: pairs.indices.map { Float($0 % 2) })
        let crossEntropy = SoftmaxCrossEntropy(classWeights: [1, 2, 1])
        let binary = BinaryCrossEntropyWithLogits()
        return {
            optimizer.zeroGradients()
            let output = network.forward(batch, toolPairs: pairs, toolDimension: dimension, training: true)
            let verdict = crossEntropy.evaluate(logits: output.verdicts, targets: targets)
            let withhold = binary.evaluate(logits: output.withhold!, targets: toolTargets)
            network.backward(verdicts: verdict.gradient, withhold: withhold.gradient)
            optimizer.update(learningRate: 1e-3, gradientScale: gradientClipScale(network.parameters, maxNorm: Float(config.gradientClip)))
        }
    }
}
