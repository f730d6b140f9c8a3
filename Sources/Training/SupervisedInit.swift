import Episodes
import Foundation
import HDF5Store
import Metrics
import NeuralNet
import PolicyRuntime

/// Stage 2, safe-policy initialisation: the policy — a verdict head (safe / critical / unsafe)
/// and a withhold head that scores each available tool from a state summary beside the tool's
/// own embedding — trained supervised on labelled steps. Its input is the state, and the frozen
/// world model's prediction unless `useWorldModel` is off (the ablation). Early stopping keeps
/// the weights with the best validation score: the verdict macro-F1, averaged with the
/// withheld-set F1 when the validation episodes say which tools to withhold.
public enum SupervisedInit {
    public struct Config: Codable, Equatable, Sendable {
        public init() {}

        /// Most optimiser steps of stage 2 (early stopping may end it sooner).
        public var steps = 3000
        /// Examples per batch.
        public var batchSize = 64
        /// Width of the two hidden layers of the state trunk (the state summary).
        public var hidden = 256
        /// Hidden width of the per-tool withhold head.
        public var toolHidden = 128
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
        /// Feed the frozen world model's prediction to the policy (false: the ablation without it).
        public var useWorldModel = true
        /// What of the world model's prediction the policy reads: `prediction` (next embedding and risk probabilities) or `risk` (the four probabilities alone).
        public var worldModelInput = WorldModel.PolicyInput.prediction
        /// Verdict class weights: `balanced` (n / (3·count) from the training split) or `none`; ignored when classWeights is set.
        public var classWeighting = ClassWeighting.balanced
        /// Explicit verdict class weights for safe, critical, unsafe; empty: use classWeighting.
        public var classWeights: [Double] = []
        /// Weight of the withhold loss beside the verdict loss.
        public var withholdWeight = 1.0
        /// Evaluate on the validation split every this many steps.
        public var evalInterval = 100
        /// Stop after this many evaluations without a better validation score (macro-F1, averaged with withheld F1 where known).
        public var patience = 8

        func validate(prefix: String) throws {
            try validateCommon(prefix: prefix, steps: steps, batchSize: batchSize, hidden: hidden, dropout: dropout,
                               warmupSteps: warmupSteps, evalInterval: evalInterval)
            guard classWeights.isEmpty || (classWeights.count == 3 && classWeights.allSatisfy { $0 >= 0 }) else {
                throw TrainingError.invalidConfig("\(prefix).classWeights", "expected three weights ≥ 0 (safe, critical, unsafe)")
            }
            guard patience >= 1 else { throw TrainingError.invalidConfig("\(prefix).patience", "must be at least 1") }
        }

        /// How verdict classes are weighted when no explicit weights are given.
        public enum ClassWeighting: String, Codable, CaseIterable, Sendable {
            /// n / (3·count) from the training split, so rare labels weigh as much as common ones.
            case balanced
            case unweighted = "none"
        }

        /// The class weights for these training labels.
        func resolvedClassWeights(_ labels: [StepLabel]) -> [Float]? {
            if !classWeights.isEmpty { return classWeights.map(Float.init) }
            guard classWeighting == .balanced else { return nil }
            var counts = [Int](repeating: 0, count: 3)
            for label in labels { counts[label.index] += 1 }
            return counts.map { $0 == 0 ? 0 : Float(labels.count) / Float(3 * $0) }
        }
    }
}

extension Policy {
    /// The network's input for each step (`inputs(states:)` of their states).
    func inputs(_ steps: [JudgedStep]) -> Matrix {
        inputs(states: Matrix.stacking(steps.map(\.state), cols: stateWidth)).inputs
    }

    /// The verdict and the withheld tools (logit > 0) for each step.
    func decide(_ steps: [JudgedStep]) -> [(verdict: StepLabel, withheld: Set<String>)] {
        guard !steps.isEmpty else { return [] }
        let output = forward(inputs(steps), tools: steps.map(\.toolEmbeddings))
        var withheld = [Set<String>](repeating: [], count: steps.count)
        var pair = 0
        for (row, step) in steps.enumerated() {
            for name in step.toolNames {
                if let logits = output.withhold, logits.storage[pair] > 0 { withheld[row].insert(name) }
                pair += 1
            }
        }
        return steps.indices.map { row in
            let logits = output.verdicts.row(row)
            let best = logits.indices.max { logits[$0] < logits[$1] }! - logits.startIndex
            return (StepLabel.allCases[best], withheld[row])
        }
    }
}

extension SupervisedInit {
    /// `trainInputs` replaces `policy.inputs(train)` (the cross-fitted world-model predictions).
    static func train(_ policy: Policy, train: [JudgedStep], validation: [JudgedStep], config: Config, seed: UInt64,
                      context: StageContext, resume: Bool, trainInputs given: Matrix? = nil,
                      sourceWeights: [Double]? = nil) throws -> StageOutcome {
        guard !train.isEmpty else { throw TrainingError.noTrainingData(context.name) }
        let network = policy.network
        let optimizer = AdamW(parameters: network.parameters, configuration: .init(weightDecay: Float(config.weightDecay)))
        let schedule = LearningRateSchedule(peak: Float(config.learningRate), floor: Float(config.minLearningRate),
                                            warmupSteps: config.warmupSteps, decaySteps: max(config.steps, config.warmupSteps + 1))
        let crossEntropy = SoftmaxCrossEntropy(classWeights: config.resolvedClassWeights(train.compactMap(\.label)))
        let binary = BinaryCrossEntropyWithLogits()
        var order = ExampleOrder(sources: train.map(\.source), weights: sourceWeights, batchSize: config.batchSize, seed: seed)
        // The world model is frozen: its prediction for every example is computed once.
        let trainInputs = given ?? policy.inputs(train)
        var best = network.snapshot()
        var bestScore = -Double.infinity
        var bestStep = 0
        var evaluationsSinceBest = 0

        let loop = StageLoop(
            context: context, network: network, optimizer: optimizer, schedule: schedule, totalSteps: config.steps,
            evalInterval: config.evalInterval,
            trainStep: { step, rate in
                let indices = order.batch(atStep: step)
                let batch = indices.map { train[$0] }
                var pairs: [(row: Int, embedding: [Float])] = []
                var targets: [Float] = []
                for (row, example) in batch.enumerated() {
                    guard let withheld = example.withheld else { continue }
                    for (name, embedding) in zip(example.toolNames, example.toolEmbeddings) {
                        pairs.append((row, embedding))
                        targets.append(withheld.contains(name) ? 1 : 0)
                    }
                }
                optimizer.zeroGradients()
                let output = network.forward(trainInputs.gathering(rows: indices), toolPairs: pairs,
                                             toolDimension: policy.toolDimension, training: true)
                let verdict = crossEntropy.evaluate(logits: output.verdicts, targets: batch.map { $0.label!.index })
                var withholdLoss: Float = 0
                var withholdGradient: Matrix?
                if let logits = output.withhold {
                    let result = binary.evaluate(logits: logits, targets: Matrix(rows: targets.count, cols: 1, storage: targets))
                    withholdLoss = result.loss
                    var scaled = result.gradient
                    for i in 0..<scaled.count { scaled.storage[i] *= Float(config.withholdWeight) }
                    withholdGradient = scaled
                }
                network.backward(verdicts: verdict.gradient, withhold: withholdGradient)
                optimizer.update(learningRate: rate, gradientScale: gradientClipScale(network.parameters, maxNorm: Float(config.gradientClip)))
                return [("stage2/loss", Double(verdict.loss + Float(config.withholdWeight) * withholdLoss)),
                        ("stage2/loss_verdict", Double(verdict.loss)), ("stage2/loss_withhold", Double(withholdLoss))]
            },
            evaluate: { stepsDone in
                let metrics = score(policy, validation)
                let selection = metrics.withheld?.withheldF1.map { (metrics.verdict.macroF1 + $0) / 2 } ?? metrics.verdict.macroF1
                if selection > bestScore {
                    bestScore = selection
                    bestStep = stepsDone
                    best = network.snapshot()
                    evaluationsSinceBest = 0
                } else {
                    evaluationsSinceBest += 1
                }
                var scalars: [(tag: String, value: Double)] = [
                    ("stage2/val_macro_f1", metrics.verdict.macroF1), ("stage2/val_accuracy", metrics.verdict.verdictAccuracy),
                ]
                if let recall = metrics.verdict.unsafeRecall { scalars.append(("stage2/val_unsafe_recall", recall)) }
                if let f1 = metrics.withheld?.withheldF1 { scalars.append(("stage2/val_withheld_f1", f1)) }
                return (scalars, evaluationsSinceBest >= config.patience)
            },
            extraState: {
                var tensors: [String: Checkpoint.Tensor] = [:]
                for (name, value) in best { tensors["best/" + name] = Checkpoint.Tensor(shape: [value.rows, value.cols], values: value.storage) }
                return StageExtraState(tensors: tensors, integers: [
                    "best_step": Int64(bestStep), "evaluations_since_best": Int64(evaluationsSinceBest),
                    "best_score_bits": Int64(bitPattern: bestScore.bitPattern),
                ])
            },
            restoreExtraState: { state in
                for (name, value) in best {
                    guard let tensor = state.tensors["best/" + name], tensor.values.count == value.count else {
                        throw TrainingError.invalidData("\(context.name): checkpoint lacks best/\(name)")
                    }
                    best[name] = Matrix(rows: value.rows, cols: value.cols, storage: tensor.values)
                }
                bestStep = Int(state.integers["best_step"] ?? 0)
                evaluationsSinceBest = Int(state.integers["evaluations_since_best"] ?? 0)
                bestScore = Double(bitPattern: UInt64(bitPattern: state.integers["best_score_bits"] ?? 0))
            },
            finish: {
                network.restore(best)
                context.log("\(context.name): kept the weights of step \(bestStep) (validation score \(String(format: "%.4f", bestScore)))")
            })
        return try loop.run(resume: resume)
    }

    /// Verdict metrics over every step, withheld-set metrics over the steps whose episode says
    /// which tools to withhold (nil when none does).
    static func score(_ policy: Policy, _ steps: [JudgedStep]) -> (verdict: StepMetrics, withheld: StepMetrics?) {
        let decisions = policy.decide(steps)
        let scored = zip(steps, decisions).map { step, decision in
            ScoredStep(truth: step.label!, prediction: decision.verdict, trueWithheld: step.withheld ?? [],
                       predictedWithheld: decision.withheld)
        }
        let known = zip(steps, scored).filter { $0.0.withheld != nil }.map(\.1)
        return (StepMetrics(scored), known.isEmpty ? nil : StepMetrics(known))
    }
}

extension PolicyNetwork {
    convenience init(inputs: Int, toolDimension: Int, config: SupervisedInit.Config, name: String, generator: inout RandomGenerator) {
        self.init(inputs: inputs, toolDimension: toolDimension, hidden: config.hidden, toolHidden: config.toolHidden,
                  dropout: config.dropout, name: name, generator: &generator)
    }
}
