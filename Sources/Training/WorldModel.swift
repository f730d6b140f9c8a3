import Foundation
import Metrics
import NeuralNet

/// Stage 1, environment-dynamics grounding: (state, pending action) → embedding of the next
/// observation (cosine loss), class of the next state (the step's label, cross-entropy) and
/// the probability that an unsafe step follows (binary cross-entropy; target defined in
/// `StateFeatures.unsafeFollows`). Every step with a next-state text trains the first head,
/// labelled steps the other two.
public enum WorldModelTraining {
    public struct Config: Codable, Equatable, Sendable {
        public init() {}

        /// Optimiser steps (batches) of stage 1.
        public var steps = 1500
        /// Examples per batch.
        public var batchSize = 64
        /// Width of the two hidden layers of the trunk.
        public var hidden = 512
        /// Dropout after the first hidden layer.
        public var dropout = 0.1
        /// Peak learning rate (AdamW), reached after the warm-up.
        public var learningRate = 1e-3
        /// Learning rate at the end of the cosine decay.
        public var minLearningRate = 1e-4
        /// Linear warm-up steps.
        public var warmupSteps = 100
        /// AdamW's decoupled weight decay.
        public var weightDecay = 0.01
        /// Global gradient-norm clip.
        public var gradientClip = 1.0
        /// Weight of the next-observation cosine loss.
        public var nextWeight = 1.0
        /// Weight of the next-state class loss.
        public var classWeight = 1.0
        /// Weight of the unsafe-follows loss.
        public var unsafeWeight = 1.0
        /// Evaluate on the validation split every this many steps.
        public var evalInterval = 250

        func validate(prefix: String) throws {
            try validateCommon(prefix: prefix, steps: steps, batchSize: batchSize, hidden: hidden, dropout: dropout,
                               warmupSteps: warmupSteps, evalInterval: evalInterval)
        }
    }

    /// The world model's output as the policy's extra input: the predicted next embedding
    /// (L2-normalised), the three class probabilities and the unsafe-follows probability.
    static func predictionWidth(dimension: Int) -> Int { dimension + 4 }
}

/// The stage-1 network: a trunk (Linear → LayerNorm → GELU → Dropout → Linear → LayerNorm →
/// GELU) and three linear heads.
final class WorldModel: TrainableNetwork {
    let trunk: Sequential
    let nextHead: Linear
    let classHead: Linear
    let unsafeHead: Linear
    let dimension: Int

    init(inputs: Int, dimension: Int, config: WorldModelTraining.Config, generator: inout RandomGenerator) {
        self.dimension = dimension
        trunk = Sequential([
            Linear(name: "world_model/trunk1", inputs: inputs, outputs: config.hidden, generator: &generator),
            LayerNorm(name: "world_model/norm1", width: config.hidden),
            GELU(),
            Dropout(probability: Float(config.dropout), generator: RandomGenerator(seed: generator.next())),
            Linear(name: "world_model/trunk2", inputs: config.hidden, outputs: config.hidden, generator: &generator),
            LayerNorm(name: "world_model/norm2", width: config.hidden),
            GELU(),
        ])
        nextHead = Linear(name: "world_model/next_head", inputs: config.hidden, outputs: dimension, generator: &generator)
        classHead = Linear(name: "world_model/class_head", inputs: config.hidden, outputs: 3, generator: &generator)
        unsafeHead = Linear(name: "world_model/unsafe_head", inputs: config.hidden, outputs: 1, generator: &generator)
    }

    var parameters: [Parameter] { trunk.parameters + nextHead.parameters + classHead.parameters + unsafeHead.parameters }
    var dropouts: [Dropout] { trunk.dropouts }

    func forward(_ states: Matrix, training: Bool) -> (next: Matrix, classes: Matrix, unsafe: Matrix) {
        let hidden = trunk.forward(states, training: training)
        return (nextHead.forward(hidden, training: training), classHead.forward(hidden, training: training),
                unsafeHead.forward(hidden, training: training))
    }

    func backward(next: Matrix, classes: Matrix, unsafe: Matrix) {
        var gradient = nextHead.backward(next)
        gradient += classHead.backward(classes)
        gradient += unsafeHead.backward(unsafe)
        trunk.backward(gradient)
    }

    /// `WorldModelTraining.predictionWidth` values per state, for the policy.
    func predict(_ states: Matrix) -> Matrix {
        let output = forward(states, training: false)
        var result = Matrix(rows: states.rows, cols: WorldModelTraining.predictionWidth(dimension: dimension))
        for row in 0..<states.rows {
            let next = output.next.row(row)
            let norm = max(next.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-8)
            let base = row * result.cols
            for (j, value) in next.enumerated() { result.storage[base + j] = value / norm }
            let logits = output.classes.row(row)
            let maximum = logits.max() ?? 0
            let exponentials = logits.map { Foundation.exp($0 - maximum) }
            let sum = exponentials.reduce(0, +)
            for j in 0..<3 { result.storage[base + dimension + j] = exponentials[j] / sum }
            result.storage[base + dimension + 3] = 1 / (1 + Foundation.exp(-output.unsafe.storage[row]))
        }
        return result
    }
}

extension WorldModelTraining {
    /// Trains `model` on `train`, reporting the mean validation cosine of the next-observation
    /// head; the model's weights after the last step are kept.
    static func train(_ model: WorldModel, train: [JudgedStep], validation: [JudgedStep], config: Config, seed: UInt64,
                      context: StageContext, resume: Bool) throws -> StageOutcome {
        guard !train.isEmpty else { throw TrainingError.noTrainingData(context.name) }
        let optimizer = AdamW(parameters: model.parameters, configuration: .init(weightDecay: Float(config.weightDecay)))
        let schedule = LearningRateSchedule(peak: Float(config.learningRate), floor: Float(config.minLearningRate),
                                            warmupSteps: config.warmupSteps, decaySteps: max(config.steps, config.warmupSteps + 1))
        let width = train[0].state.count
        let dimension = model.dimension
        var order = ExampleOrder(count: train.count, batchSize: config.batchSize, seed: seed)
        let cosine = CosineLoss()
        let crossEntropy = SoftmaxCrossEntropy()
        let binary = BinaryCrossEntropyWithLogits()
        let validationStates = Matrix.stacking(validation.map(\.state), cols: width)

        let loop = StageLoop(
            context: context, network: model, optimizer: optimizer, schedule: schedule, totalSteps: config.steps,
            evalInterval: config.evalInterval,
            trainStep: { step, rate in
                let batch = order.batch(atStep: step).map { train[$0] }
                let states = Matrix.stacking(batch.map(\.state), cols: width)
                optimizer.zeroGradients()
                let output = model.forward(states, training: true)
                var nextGradient = Matrix(rows: batch.count, cols: dimension)
                var classGradient = Matrix(rows: batch.count, cols: 3)
                var unsafeGradient = Matrix(rows: batch.count, cols: 1)
                let withNext = batch.indices.filter { batch[$0].nextTarget != nil }
                let labelled = batch.indices.filter { batch[$0].label != nil }
                var nextLoss: Float = 0, classLoss: Float = 0, unsafeLoss: Float = 0
                if !withNext.isEmpty {
                    let targets = Matrix.stacking(withNext.map { batch[$0].nextTarget! }, cols: dimension)
                    let result = cosine.evaluate(predictions: output.next.gathering(rows: withNext), targets: targets)
                    nextLoss = result.loss
                    scatter(result.gradient, rows: withNext, into: &nextGradient, scale: Float(config.nextWeight))
                }
                if !labelled.isEmpty {
                    let result = crossEntropy.evaluate(logits: output.classes.gathering(rows: labelled),
                                                       targets: labelled.map { batch[$0].label!.index })
                    classLoss = result.loss
                    scatter(result.gradient, rows: labelled, into: &classGradient, scale: Float(config.classWeight))
                    let targets = Matrix(rows: labelled.count, cols: 1, storage: labelled.map { batch[$0].unsafeFollows! })
                    let unsafeResult = binary.evaluate(logits: output.unsafe.gathering(rows: labelled), targets: targets)
                    unsafeLoss = unsafeResult.loss
                    scatter(unsafeResult.gradient, rows: labelled, into: &unsafeGradient, scale: Float(config.unsafeWeight))
                }
                model.backward(next: nextGradient, classes: classGradient, unsafe: unsafeGradient)
                clipGradients(model.parameters, maxNorm: Float(config.gradientClip))
                optimizer.update(learningRate: rate)
                let loss = Float(config.nextWeight) * nextLoss + Float(config.classWeight) * classLoss + Float(config.unsafeWeight) * unsafeLoss
                return [("stage1/loss", Double(loss)), ("stage1/loss_next", Double(nextLoss)),
                        ("stage1/loss_class", Double(classLoss)), ("stage1/loss_unsafe", Double(unsafeLoss))]
            },
            evaluate: { _ in
                let withNext = validation.indices.filter { validation[$0].nextTarget != nil }
                guard !withNext.isEmpty else { return ([], false) }
                let predictions = model.predict(validationStates.gathering(rows: withNext))
                var total: Double = 0
                for (row, index) in withNext.enumerated() {
                    let target = validation[index].nextTarget!
                    let predicted = predictions.row(row).prefix(dimension)
                    let targetNorm = max(target.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-8)
                    total += Double(zip(predicted, target).reduce(0) { $0 + $1.0 * $1.1 } / targetNorm)
                }
                return ([("stage1/val_cosine", total / Double(withNext.count))], false)
            })
        return try loop.run(resume: resume)
    }
}

/// Adds `gradient`'s rows, scaled, into the given rows of `target`.
func scatter(_ gradient: Matrix, rows: [Int], into target: inout Matrix, scale: Float) {
    for (source, row) in rows.enumerated() {
        for j in 0..<gradient.cols { target.storage[row * target.cols + j] += scale * gradient.storage[source * gradient.cols + j] }
    }
}

/// Checks shared by the stages' configs, naming the key.
func validateCommon(prefix: String, steps: Int, batchSize: Int, hidden: Int, dropout: Double, warmupSteps: Int, evalInterval: Int) throws {
    func require(_ condition: Bool, _ key: String, _ message: String) throws {
        if !condition { throw TrainingError.invalidConfig("\(prefix).\(key)", message) }
    }
    try require(steps >= 1, "steps", "must be at least 1")
    try require(batchSize >= 1, "batchSize", "must be at least 1")
    try require(hidden >= 1, "hidden", "must be at least 1")
    try require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1)")
    try require(warmupSteps >= 0, "warmupSteps", "must be at least 0")
    try require(evalInterval >= 1, "evalInterval", "must be at least 1")
}
