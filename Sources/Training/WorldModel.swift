import Foundation
import Metrics
import NeuralNet
import PolicyRuntime

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
        /// Cross-fitting for stage 2: with K ≥ 2, the policy trains on world-model predictions from K models each trained without one K-th of the tasks (its own fold), so it learns how far to trust the world model on tasks it has not seen; 0: the one world model's predictions.
        public var crossFitFolds = 0

        func validate(prefix: String) throws {
            try validateCommon(prefix: prefix, steps: steps, batchSize: batchSize, hidden: hidden, dropout: dropout,
                               warmupSteps: warmupSteps, evalInterval: evalInterval)
            guard crossFitFolds == 0 || crossFitFolds >= 2 else {
                throw TrainingError.invalidConfig("\(prefix).crossFitFolds", "must be 0 (off) or at least 2")
            }
        }
    }
}

extension WorldModelTraining {
    /// Trains `model` on `train`, reporting the mean validation cosine of the next-observation
    /// head; the model's weights after the last step are kept.
    static func train(_ model: WorldModel, train: [JudgedStep], validation: [JudgedStep], config: Config, seed: UInt64,
                      context: StageContext, resume: Bool, sourceWeights: [Double]? = nil) throws -> StageOutcome {
        guard !train.isEmpty else { throw TrainingError.noTrainingData(context.name) }
        let optimizer = AdamW(parameters: model.parameters, configuration: .init(weightDecay: Float(config.weightDecay)))
        let schedule = LearningRateSchedule(peak: Float(config.learningRate), floor: Float(config.minLearningRate),
                                            warmupSteps: config.warmupSteps, decaySteps: max(config.steps, config.warmupSteps + 1))
        let width = train[0].state.count
        let dimension = model.dimension
        var order = ExampleOrder(sources: train.map(\.source), weights: sourceWeights, batchSize: config.batchSize, seed: seed)
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
                optimizer.update(learningRate: rate, gradientScale: gradientClipScale(model.parameters, maxNorm: Float(config.gradientClip)))
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

extension WorldModelTraining {
    /// The policy's stage-2 inputs with out-of-fold world-model predictions. The world model
    /// fits the labels of the tasks it trained on, and its class head predicts what the verdict
    /// head must: a policy that learns from in-sample predictions learns to copy them, and fails
    /// where the world model is wrong — on tasks neither has seen. So the training tasks
    /// (`tasks`: the episodes' indices grouped by task) are split into `stage1.crossFitFolds`
    /// folds, a world model is trained without each fold (same config, no checkpoints), and each
    /// step reads the prediction of the model that did not see its task. `context` makes each
    /// fold's stage context from its name.
    static func crossFittedInputs(train1: [JudgedStep], train2: [JudgedStep], tasks groups: [[Int]], features: StateFeatures, policy: Policy, config: TrainingConfig, sourceWeights: [Double]?,
                                  context: (String) -> StageContext, log: (String) -> Void) throws -> Matrix {
        let folds = config.stage1.crossFitFolds
        var order = Array(groups.indices)
        var shuffler = RandomGenerator(seed: UInt64(config.seed) &+ 9)
        shuffler.shuffle(&order)
        // The groups partition the episodes: every index below their total is in one.
        var foldOfEpisode = [Int](repeating: 0, count: groups.reduce(0) { $0 + $1.count })
        for (position, group) in order.enumerated() {
            for episode in groups[group] { foldOfEpisode[episode] = position % folds }
        }
        let states = Matrix.stacking(train2.map(\.state), cols: features.width)
        var inputs = Matrix(rows: train2.count, cols: states.cols + config.stage2.worldModelInput.width(dimension: features.dimension))
        for fold in 0..<folds {
            var generator = RandomGenerator(seed: UInt64(config.seed) &+ 10 &+ UInt64(fold))
            let model = WorldModel(inputs: features.width, dimension: features.dimension, config: config.stage1, generator: &generator)
            var foldContext = context("stage1_fold\(fold + 1)")
            foldContext.checkpoints = nil
            foldContext.metrics = nil
            _ = try train(model, train: train1.filter { foldOfEpisode[$0.episode] != fold }, validation: [],
                          config: config.stage1, seed: UInt64(config.seed) &+ 20 &+ UInt64(fold),
                          context: foldContext, resume: false, sourceWeights: sourceWeights)
            let rows = train2.indices.filter { foldOfEpisode[train2[$0].episode] == fold }
            guard !rows.isEmpty else { continue }
            let foldPolicy = Policy(network: policy.network, worldModel: model, stateWidth: policy.stateWidth,
                                    toolDimension: policy.toolDimension, worldModelInput: policy.worldModelInput)
            let foldInputs = foldPolicy.inputs(states: states.gathering(rows: rows)).inputs
            for (source, row) in rows.enumerated() {
                for j in 0..<inputs.cols { inputs.storage[row * inputs.cols + j] = foldInputs.storage[source * inputs.cols + j] }
            }
        }
        log("stage 2 reads cross-fitted world-model predictions (\(folds) folds by task)")
        return inputs
    }
}

extension WorldModel {
    convenience init(inputs: Int, dimension: Int, config: WorldModelTraining.Config, generator: inout RandomGenerator) {
        self.init(inputs: inputs, dimension: dimension, hidden: config.hidden, dropout: config.dropout, generator: &generator)
    }
}
