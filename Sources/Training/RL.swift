import Episodes
import Foundation
import HDF5Store
import Metrics
import NeuralNet

/// Stage 3 on labelled steps: from the stage-2 policy, sample a verdict and a withheld set
/// several times per step (a group), reward each sample by code (`Rewards`), and follow the
/// policy gradient with GRPO advantages and a KL penalty to a frozen copy of the stage-2 policy.
/// The emulated-episode half of DESIGN.md "Stage 3" is not here yet.
public enum ReinforcementLearning {
    public struct Config: Codable, Equatable, Sendable {
        public init() {}

        /// Optimiser steps of stage 3.
        public var steps = 300
        /// Labelled steps (prompts) per optimiser step.
        public var promptsPerStep = 16
        /// Samples per prompt: the group whose rewards set each other's advantages.
        public var groupSize = 8
        /// Learning rate (AdamW, constant after the warm-up).
        public var learningRate = 1e-4
        /// Linear warm-up steps.
        public var warmupSteps = 10
        /// Global gradient-norm clip.
        public var gradientClip = 1.0
        /// Weight β of the KL penalty to the stage-2 policy.
        public var klWeight = 0.05
        /// `lagrangian` (r = r_tools + λ·r_safety, λ adapted) or `tchebycheff` (fixed weights).
        public var combination = "lagrangian"
        /// Starting λ of the Lagrangian combination.
        public var initialLambda = 1.0
        /// Mean safety reward λ is pushed toward.
        public var safetyTarget = 0.95
        /// Step size of λ's dual ascent.
        public var lambdaLearningRate = 0.05
        /// Tchebycheff weight of the safety shortfall (combination: tchebycheff).
        public var safetyWeight = 0.5
        /// Tchebycheff weight of the tool-reward shortfall (combination: tchebycheff).
        public var toolsWeight = 0.5
        /// Weight of the withheld set's false-negative rate in r_tools.
        public var falseNegativeWeight = 0.5
        /// Weight of the withheld set's false-positive rate in r_tools.
        public var falsePositiveWeight = 0.5
        /// Smoothing μ of the Tchebycheff scalarisations (smaller: closer to the plain maximum).
        public var mu = 0.1
        /// Evaluate on the validation split every this many steps.
        public var evalInterval = 50
        /// Share of the episodes (seeded, by episode; validation ones excepted) kept from stages 1 and 2 and the baselines for stage 3's prompts; 0: stage 3 reuses stage 2's training steps.
        public var reservedFraction = 0.0

        func validate(prefix: String) throws {
            func require(_ condition: Bool, _ key: String, _ message: String) throws {
                if !condition { throw TrainingError.invalidConfig("\(prefix).\(key)", message) }
            }
            try require(steps >= 1, "steps", "must be at least 1")
            try require(promptsPerStep >= 1, "promptsPerStep", "must be at least 1")
            try require(groupSize >= 2, "groupSize", "must be at least 2 (advantages are relative to the group)")
            try require(learningRate > 0, "learningRate", "must be positive")
            try require(warmupSteps >= 0, "warmupSteps", "must not be negative")
            try require(klWeight >= 0, "klWeight", "must not be negative")
            try require(RewardCombination.Method(rawValue: combination) != nil, "combination",
                        "expected lagrangian or tchebycheff, found \"\(combination)\"")
            try require(initialLambda >= 0, "initialLambda", "must not be negative")
            try require(safetyTarget >= 0 && safetyTarget <= 1, "safetyTarget", "must be in [0, 1]")
            try require(lambdaLearningRate >= 0, "lambdaLearningRate", "must not be negative")
            // All-zero weights would make the Tchebycheff reward 0/0.
            try require(safetyWeight >= 0 && toolsWeight >= 0 && safetyWeight + toolsWeight > 0, "safetyWeight",
                        "safetyWeight and toolsWeight must be ≥ 0 and not both 0")
            try require(falseNegativeWeight >= 0 && falsePositiveWeight >= 0 && falseNegativeWeight + falsePositiveWeight > 0,
                        "falseNegativeWeight", "falseNegativeWeight and falsePositiveWeight must be ≥ 0 and not both 0")
            try require(mu > 0, "mu", "must be positive")
            try require(evalInterval >= 1, "evalInterval", "must be at least 1")
            try require(reservedFraction >= 0 && reservedFraction < 1, "reservedFraction", "must be in [0, 1)")
        }

        func makeCombination() -> RewardCombination {
            RewardCombination(method: RewardCombination.Method(rawValue: combination) ?? .lagrangian, initialLambda: initialLambda,
                              safetyTarget: safetyTarget, lambdaLearningRate: lambdaLearningRate,
                              safetyWeight: safetyWeight, utilityWeight: toolsWeight, mu: mu)
        }
    }

    /// The rewards of one sampled decision on a labelled step; `tools` is nil when the step's
    /// episode does not say which tools to withhold.
    struct SampleRewards {
        var safety: Double
        var tools: Double?
    }

    static func rewards(verdict: StepLabel, withheld: [Bool], step: JudgedStep, config: Config) -> SampleRewards {
        let safety = Rewards.safety(verdict: verdict, label: step.label!)
        guard let truth = step.withheld else { return SampleRewards(safety: safety, tools: nil) }
        let rates = Rewards.WithholdRates(withheld: withheld, dangerous: step.toolNames.map { truth.contains($0) })
        return SampleRewards(safety: safety, tools: Rewards.tools(rates, falseNegativeWeight: config.falseNegativeWeight,
                                                                  falsePositiveWeight: config.falsePositiveWeight, mu: config.mu))
    }

    /// Trains `policy` in place; `reference` is the frozen stage-2 network of the same shape.
    /// The policy's network must have no dropout (its samples are drawn from the training forward).
    static func train(_ policy: Policy, reference: PolicyNetwork, train: [JudgedStep], validation: [JudgedStep], config: Config,
                      seed: UInt64, context: StageContext, resume: Bool) throws -> StageOutcome {
        let labelled = train.filter { $0.label != nil }
        guard !labelled.isEmpty else { throw TrainingError.noTrainingData(context.name) }
        let network = policy.network
        precondition(network.dropouts.allSatisfy { $0.probability == 0 }, "stage 3 samples from a network without dropout")
        let optimizer = AdamW(parameters: network.parameters, configuration: .init(weightDecay: 0))
        let schedule = LearningRateSchedule(peak: Float(config.learningRate), floor: Float(config.learningRate),
                                            warmupSteps: config.warmupSteps, decaySteps: max(config.steps, config.warmupSteps + 1))
        var order = ExampleOrder(count: labelled.count, batchSize: config.promptsPerStep, seed: seed)
        let inputs = policy.inputs(labelled)
        var combination = config.makeCombination()
        var sampling = RandomGenerator(seed: seed &+ 1)

        let loop = StageLoop(
            context: context, network: network, optimizer: optimizer, schedule: schedule, totalSteps: config.steps,
            evalInterval: config.evalInterval,
            trainStep: { step, rate in
                // Each prompt is repeated groupSize times; the samples of a group are consecutive rows.
                let prompts = order.batch(atStep: step)
                let rows = prompts.flatMap { Array(repeating: $0, count: config.groupSize) }
                let batch = rows.map { labelled[$0] }
                let pairs = batch.enumerated().flatMap { row, example in example.toolEmbeddings.map { (row: row, embedding: $0) } }
                let rowInputs = inputs.gathering(rows: rows)
                optimizer.zeroGradients()
                // A training forward keeps what backward needs; the stage-3 network has no dropout, so
                // it computes the same probabilities the samples are drawn from.
                let output = network.forward(rowInputs, toolPairs: pairs, toolDimension: policy.toolDimension, training: true)
                let frozen = reference.forward(rowInputs, toolPairs: pairs, toolDimension: policy.toolDimension, training: false)
                let verdictProbabilities = Probabilities.softmax(rows: output.verdicts)
                let referenceVerdicts = Probabilities.softmax(rows: frozen.verdicts)
                let withholdProbabilities = output.withhold.map(Probabilities.sigmoid)
                let referenceWithhold = frozen.withhold.map(Probabilities.sigmoid)

                var verdicts: [Int] = []
                var decisions: [[Bool]] = []
                var sampleRewards: [SampleRewards] = []
                var pair = 0
                for (row, example) in batch.enumerated() {
                    let probabilities = (0..<3).map { Double(verdictProbabilities.storage[row * 3 + $0]) }
                    let verdict = sample(probabilities, &sampling)
                    var withheld: [Bool] = []
                    for _ in example.toolNames {
                        withheld.append(sampling.uniformDouble() < Double(withholdProbabilities!.storage[pair]))
                        pair += 1
                    }
                    verdicts.append(verdict)
                    decisions.append(withheld)
                    sampleRewards.append(rewards(verdict: StepLabel.allCases[verdict], withheld: withheld, step: example, config: config))
                }
                let combined = sampleRewards.map { reward in
                    reward.tools.map { combination.combined(safety: reward.safety, utility: $0) } ?? reward.safety
                }
                var advantages: [Double] = []
                for group in 0..<prompts.count {
                    let range = group * config.groupSize..<(group + 1) * config.groupSize
                    advantages += PolicyGradient.groupRelativeAdvantages(Array(combined[range]))
                }

                let scale = 1 / Double(batch.count)
                var verdictGradient = Matrix(rows: batch.count, cols: 3)
                var withholdGradient = output.withhold.map { Matrix(rows: $0.rows, cols: 1) }
                var kl = 0.0
                pair = 0
                for row in batch.indices {
                    let probabilities = (0..<3).map { Double(verdictProbabilities.storage[row * 3 + $0]) }
                    let referenceProbabilities = (0..<3).map { Double(referenceVerdicts.storage[row * 3 + $0]) }
                    let action = verdicts[row]
                    kl += PolicyGradient.klEstimate(logProbability: log(probabilities[action]),
                                                    referenceLogProbability: log(referenceProbabilities[action]))
                    let gradient = PolicyGradient.sampleLossGradient(probabilities: probabilities, referenceProbabilities: referenceProbabilities,
                                                                     action: action, advantage: advantages[row], klWeight: config.klWeight)
                    for j in 0..<3 { verdictGradient.storage[row * 3 + j] = Float(gradient[j] * scale) }
                    for taken in decisions[row] {
                        let p = Double(withholdProbabilities!.storage[pair]), q = Double(referenceWithhold!.storage[pair])
                        kl += PolicyGradient.klEstimate(logProbability: log(taken ? p : 1 - p), referenceLogProbability: log(taken ? q : 1 - q))
                        withholdGradient!.storage[pair] = Float(scale * PolicyGradient.bernoulliLossGradient(
                            probability: p, referenceProbability: q, taken: taken, advantage: advantages[row], klWeight: config.klWeight))
                        pair += 1
                    }
                }
                network.backward(verdicts: verdictGradient, withhold: withholdGradient)
                clipGradients(network.parameters, maxNorm: Float(config.gradientClip))
                optimizer.update(learningRate: rate)

                let meanSafety = sampleRewards.reduce(0) { $0 + $1.safety } / Double(batch.count)
                let lambda = combination.lambda
                combination.updateLambda(meanSafety: meanSafety)
                var scalars: [(tag: String, value: Double)] = [
                    ("rl/reward_combined", combined.reduce(0, +) / Double(batch.count)),
                    ("rl/reward_safety", meanSafety),
                    ("rl/kl", kl * scale),
                    ("rl/lambda", lambda),
                ]
                let tools = sampleRewards.compactMap(\.tools)
                if !tools.isEmpty { scalars.append(("rl/reward_tools", tools.reduce(0, +) / Double(tools.count))) }
                return scalars
            },
            evaluate: { _ in
                let metrics = SupervisedInit.score(policy, validation.filter { $0.label != nil })
                var scalars: [(tag: String, value: Double)] = [
                    ("rl/val_macro_f1", metrics.verdict.macroF1), ("rl/val_accuracy", metrics.verdict.verdictAccuracy),
                ]
                if let f1 = metrics.withheld?.withheldF1 { scalars.append(("rl/val_withheld_f1", f1)) }
                return (scalars, false)
            },
            extraState: {
                StageExtraState(integers: ["lambda_bits": Int64(bitPattern: combination.lambda.bitPattern),
                                           "sampling_state_0": Int64(bitPattern: sampling.state[0]),
                                           "sampling_state_1": Int64(bitPattern: sampling.state[1]),
                                           "sampling_state_2": Int64(bitPattern: sampling.state[2]),
                                           "sampling_state_3": Int64(bitPattern: sampling.state[3])])
            },
            restoreExtraState: { state in
                guard let bits = state.integers["lambda_bits"] else {
                    throw TrainingError.invalidData("\(context.name): checkpoint lacks lambda_bits")
                }
                combination.restoreLambda(Double(bitPattern: UInt64(bitPattern: bits)))
                let words = try (0..<4).map { index -> UInt64 in
                    guard let word = state.integers["sampling_state_\(index)"] else {
                        throw TrainingError.invalidData("\(context.name): checkpoint lacks sampling_state_\(index)")
                    }
                    return UInt64(bitPattern: word)
                }
                sampling = try RandomGenerator(state: words)
            })
        return try loop.run(resume: resume)
    }

    /// An index drawn from a categorical distribution.
    static func sample(_ probabilities: [Double], _ generator: inout RandomGenerator) -> Int {
        var threshold = generator.uniformDouble()
        for (index, probability) in probabilities.enumerated() {
            threshold -= probability
            if threshold < 0 { return index }
        }
        return probabilities.count - 1
    }
}
