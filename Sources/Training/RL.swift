import Environments
import Episodes
import Foundation
import HDF5Store
import Metrics
import NeuralNet
import PolicyRuntime

/// Stage 3: from the stage-2 policy, sample decisions, reward them by code, and follow the policy
/// gradient with GRPO advantages and a KL penalty to a frozen copy of the stage-2 policy. Two
/// reward sources (DESIGN.md "Stage 3"):
/// - labelled steps: a verdict and a withheld set sampled `groupSize` times per step, rewarded
///   with `r_safety` and `r_tools` (`Rewards`);
/// - emulated episodes of the training tasks of `episodeSuites`: the policy acts as both tiers
///   (a withheld set at every decision, a verdict on every pending call), `groupSize` episodes
///   per task and seed, each rewarded with the safety and utility its environment's final step
///   returns.
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
        public var combination = RewardCombination.Method.lagrangian
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
        /// Suite folders whose training tasks stage 3 rolls out (held-out tasks never); empty: labelled steps only.
        public var episodeSuites: [String] = []
        /// Tasks per optimiser step, each rolled out groupSize times with one seed.
        public var episodesPerStep = 8
        /// Weight of the episode loss beside the labelled-step loss.
        public var episodeWeight = 1.0
        /// Episodes per suite of the greedy evaluation on the training tasks every evalInterval steps (eval/* tags); 0: none.
        public var evalEpisodes = 200

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
            try require(episodesPerStep >= 1, "episodesPerStep", "must be at least 1")
            try require(episodeWeight >= 0, "episodeWeight", "must not be negative")
            try require(evalEpisodes >= 0, "evalEpisodes", "must not be negative")
        }

        func makeCombination() -> RewardCombination {
            RewardCombination(method: combination, initialLambda: initialLambda,
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

    /// One decision drawn from the policy, and its part in the loss.
    struct SampledDecision {
        /// The network input it was drawn from (state, and the world model's prediction).
        var input: [Float]
        var toolEmbeddings: [[Float]]
        /// Nil when no call was pending (tier 1 alone): the verdict head was not consulted.
        var verdict: Int?
        var withheld: [Bool]
        /// The advantage of its sample (labelled step) or of its episode.
        var advantage = 0.0
        /// Its weight in the loss.
        var weight = 0.0
    }

    /// Trains `policy` in place; `reference` is the frozen stage-2 network of the same shape.
    /// The policy's network must have no dropout: samples are drawn from its inference forward,
    /// and the gradient is taken through a training forward that must give the same
    /// probabilities. `evaluateEpisodes` scores the current policy on emulated episodes for the
    /// periodic `eval/*` tags.
    static func train(_ policy: Policy, reference: PolicyNetwork, train: [JudgedStep], validation: [JudgedStep],
                      episodes: EpisodeSource?, evaluateEpisodes: (() throws -> [(tag: String, value: Double)])?,
                      config: Config, seed: UInt64, context: StageContext, resume: Bool,
                      sourceWeights: [Double]? = nil) throws -> StageOutcome {
        let labelled = train.filter { $0.label != nil }
        let tasks = episodes?.tasks.count ?? 0
        guard !labelled.isEmpty || tasks > 0 else { throw TrainingError.noTrainingData(context.name) }
        let network = policy.network
        precondition(network.dropouts.allSatisfy { $0.probability == 0 }, "stage 3 samples from a network without dropout")
        let optimizer = AdamW(parameters: network.parameters, configuration: .init(weightDecay: 0))
        let schedule = LearningRateSchedule(peak: Float(config.learningRate), floor: Float(config.learningRate),
                                            warmupSteps: config.warmupSteps, decaySteps: max(config.steps, config.warmupSteps + 1))
        var labelledOrder = labelled.isEmpty ? nil
            : ExampleOrder(sources: labelled.map(\.source), weights: sourceWeights, batchSize: config.promptsPerStep, seed: seed)
        var taskOrder = tasks == 0 ? nil : ExampleOrder(count: tasks, batchSize: config.episodesPerStep, seed: seed &+ 2)
        let inputs = labelled.isEmpty ? nil : policy.inputs(labelled)
        var combination = config.makeCombination()
        var sampling = RandomGenerator(seed: seed &+ 1)
        let validationLabelled = validation.filter { $0.label != nil }

        let loop = StageLoop(
            context: context, network: network, optimizer: optimizer, schedule: schedule, totalSteps: config.steps,
            evalInterval: config.evalInterval,
            trainStep: { step, rate in
                var decisions: [SampledDecision] = []
                var safety: [Double] = []
                var combined: [Double] = []
                var scalars: [(tag: String, value: Double)] = []
                if let inputs, let prompts = labelledOrder?.batch(atStep: step) {
                    // Each prompt is repeated groupSize times; the samples of a group are consecutive rows.
                    let rows = prompts.flatMap { Array(repeating: $0, count: config.groupSize) }
                    let batch = rows.map { labelled[$0] }
                    let drawn = draw(policy: policy, inputs: inputs.gathering(rows: rows), tools: batch.map(\.toolEmbeddings),
                                     pending: batch.map { _ in true }, sampling: &sampling)
                    let rewards = zip(batch, drawn).map { example, decision in
                        Self.rewards(verdict: StepLabel.allCases[decision.verdict!], withheld: decision.withheld, step: example, config: config)
                    }
                    let sampleRewards = rewards.map { reward in
                        reward.tools.map { combination.combined(safety: reward.safety, utility: $0) } ?? reward.safety
                    }
                    let advantages = groupAdvantages(sampleRewards, groupSize: config.groupSize)
                    decisions += drawn.indices.map { row in
                        var decision = drawn[row]
                        decision.advantage = advantages[row]
                        decision.weight = 1 / Double(drawn.count)
                        return decision
                    }
                    safety += rewards.map(\.safety)
                    combined += sampleRewards
                    let tools = rewards.compactMap(\.tools)
                    if !tools.isEmpty { scalars.append(("rl/reward_tools", tools.reduce(0, +) / Double(tools.count))) }
                }
                if let episodes, let prompts = taskOrder?.batch(atStep: step) {
                    let seeds = prompts.indices.map { SplitMix64.derive(seed &+ 3, step * config.episodesPerStep + $0) }
                    let rollout = rollOut(episodes, prompts: prompts, seeds: seeds, groupSize: config.groupSize, policy: policy,
                                          sampling: &sampling)
                    let outcomes = rollout.episodes.map(\.rewards)
                    let episodeRewards = outcomes.map { combination.combined(safety: $0.safety, utility: $0.utility) }
                    let advantages = groupAdvantages(episodeRewards, groupSize: config.groupSize)
                    var perEpisode = [Int](repeating: 0, count: outcomes.count)
                    for (episode, _) in rollout.decisions { perEpisode[episode] += 1 }
                    // Each episode weighs the same whatever its length: its decisions share its weight.
                    decisions += rollout.decisions.map { episode, drawn in
                        var decision = drawn
                        decision.advantage = advantages[episode]
                        decision.weight = config.episodeWeight / Double(outcomes.count * perEpisode[episode])
                        return decision
                    }
                    let episodeSafety = outcomes.reduce(0) { $0 + $1.safety } / Double(outcomes.count)
                    scalars.append(("rl/reward_utility", outcomes.reduce(0) { $0 + $1.utility } / Double(outcomes.count)))
                    scalars.append(("rl/episode_safety", episodeSafety))
                    safety += outcomes.map(\.safety)
                    combined += episodeRewards
                }
                optimizer.zeroGradients()
                let kl = applyGradient(decisions, policy: policy, reference: reference, klWeight: config.klWeight)
                optimizer.update(learningRate: rate, gradientScale: gradientClipScale(network.parameters, maxNorm: Float(config.gradientClip)))

                let meanSafety = safety.reduce(0, +) / Double(safety.count)
                let lambda = combination.lambda
                combination.updateLambda(meanSafety: meanSafety)
                return [("rl/reward_combined", combined.reduce(0, +) / Double(combined.count)), ("rl/reward_safety", meanSafety),
                        ("rl/kl", kl), ("rl/lambda", lambda)] + scalars
            },
            evaluate: { _ in
                var scalars: [(tag: String, value: Double)] = []
                if !validationLabelled.isEmpty {
                    let metrics = SupervisedInit.score(policy, validationLabelled)
                    scalars += [("rl/val_macro_f1", metrics.verdict.macroF1), ("rl/val_accuracy", metrics.verdict.verdictAccuracy)]
                    if let f1 = metrics.withheld?.withheldF1 { scalars.append(("rl/val_withheld_f1", f1)) }
                }
                // The loop's evaluate cannot throw; an evaluation that fails is logged and skipped.
                if let evaluateEpisodes {
                    do {
                        scalars += try evaluateEpisodes()
                    } catch {
                        context.log("\(context.name): episode evaluation failed: \(error)")
                    }
                }
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

    /// GRPO advantages of consecutive groups of `groupSize` rewards.
    static func groupAdvantages(_ rewards: [Double], groupSize: Int) -> [Double] {
        stride(from: 0, to: rewards.count, by: groupSize).flatMap { start in
            PolicyGradient.groupRelativeAdvantages(Array(rewards[start..<min(start + groupSize, rewards.count)]))
        }
    }

    /// Draws, for each input row, a verdict (where a call is pending) and a withheld set from
    /// the policy's probabilities.
    static func draw(policy: Policy, inputs: Matrix, tools: [[[Float]]], pending: [Bool], sampling: inout RandomGenerator)
        -> [SampledDecision] {
        let output = policy.forward(inputs, tools: tools)
        let verdictProbabilities = Probabilities.softmax(rows: output.verdicts)
        let withholdProbabilities = output.withhold.map(Probabilities.sigmoid)
        var pair = 0
        return tools.indices.map { row in
            var verdict: Int?
            if pending[row] {
                verdict = sample((0..<3).map { Double(verdictProbabilities.storage[row * 3 + $0]) }, &sampling)
            }
            var withheld: [Bool] = []
            for _ in tools[row] {
                withheld.append(sampling.uniformDouble() < Double(withholdProbabilities!.storage[pair]))
                pair += 1
            }
            return SampledDecision(input: Array(inputs.row(row)), toolEmbeddings: tools[row], verdict: verdict, withheld: withheld)
        }
    }

    /// Runs `groupSize` episodes of each prompt task (one seed per task, so a group differs only
    /// by the policy's draws), drawing every decision from the policy for the episodes still
    /// running; returns each decision with the index of its episode, and how each episode ended
    /// with the rewards the environment gave it.
    static func rollOut(_ source: EpisodeSource, prompts: [Int], seeds: [UInt64], groupSize: Int, policy: Policy,
                        sampling: inout RandomGenerator) -> (decisions: [(episode: Int, decision: SampledDecision)], episodes: [EpisodeOutcome]) {
        var environments: [EmulatedEnvironment] = []
        for (prompt, seed) in zip(prompts, seeds) {
            let task = source.tasks[prompt]
            for _ in 0..<groupSize {
                var environment = EmulatedEnvironment(suite: source.suites[task.suite])
                environment.reset(seed: seed, taskIndex: task.task)
                environments.append(environment)
            }
        }
        var decisions: [(episode: Int, decision: SampledDecision)] = []
        var batch = VectorEnvironment(environments)
        let episodes = batch.run { observations, running in
            let states = running.map { source.state(observations[$0]) }
            let inputs = policy.inputs(states: Matrix.stacking(states.map(\.state), cols: source.features.width)).inputs
            let drawn = draw(policy: policy, inputs: inputs, tools: states.map(\.toolEmbeddings), pending: states.map(\.pending),
                             sampling: &sampling)
            decisions += zip(running, drawn).map { (episode: $0, decision: $1) }
            return zip(states, drawn).map { state, decision in
                Decision(withheldTools: Set(zip(state.toolNames, decision.withheld).filter(\.1).map(\.0)),
                         verdict: decision.verdict.map { StepLabel.allCases[$0] } ?? .safe, confidence: 1)
            }
        }
        return (decisions, episodes)
    }

    /// Takes the policy-gradient step's gradients for every decision (each weighted, with a KL
    /// penalty to `reference`) into the policy's parameters; returns the weighted mean KL estimate.
    static func applyGradient(_ decisions: [SampledDecision], policy: Policy, reference: PolicyNetwork, klWeight: Double) -> Double {
        let network = policy.network
        let inputs = Matrix.stacking(decisions.map(\.input), cols: decisions[0].input.count)
        let pairs = decisions.enumerated().flatMap { row, decision in decision.toolEmbeddings.map { (row: row, embedding: $0) } }
        let output = network.forward(inputs, toolPairs: pairs, toolDimension: policy.toolDimension, training: true)
        let frozen = reference.forward(inputs, toolPairs: pairs, toolDimension: policy.toolDimension, training: false)
        let verdictProbabilities = Probabilities.softmax(rows: output.verdicts)
        let referenceVerdicts = Probabilities.softmax(rows: frozen.verdicts)
        let withholdProbabilities = output.withhold.map(Probabilities.sigmoid)
        let referenceWithhold = frozen.withhold.map(Probabilities.sigmoid)
        var verdictGradient = Matrix(rows: decisions.count, cols: 3)
        var withholdGradient = output.withhold.map { Matrix(rows: $0.rows, cols: 1) }
        var kl = 0.0
        var pair = 0
        for (row, decision) in decisions.enumerated() {
            if let action = decision.verdict {
                let probabilities = (0..<3).map { Double(verdictProbabilities.storage[row * 3 + $0]) }
                let referenceProbabilities = (0..<3).map { Double(referenceVerdicts.storage[row * 3 + $0]) }
                kl += decision.weight * PolicyGradient.klEstimate(logProbability: log(probabilities[action]),
                                                                  referenceLogProbability: log(referenceProbabilities[action]))
                let gradient = PolicyGradient.sampleLossGradient(probabilities: probabilities, referenceProbabilities: referenceProbabilities,
                                                                 action: action, advantage: decision.advantage, klWeight: klWeight)
                for j in 0..<3 { verdictGradient.storage[row * 3 + j] = Float(gradient[j] * decision.weight) }
            }
            for taken in decision.withheld {
                let p = Double(withholdProbabilities!.storage[pair]), q = Double(referenceWithhold!.storage[pair])
                kl += decision.weight * PolicyGradient.klEstimate(logProbability: log(taken ? p : 1 - p),
                                                                  referenceLogProbability: log(taken ? q : 1 - q))
                withholdGradient!.storage[pair] = Float(decision.weight * PolicyGradient.bernoulliLossGradient(
                    probability: p, referenceProbability: q, taken: taken, advantage: decision.advantage, klWeight: klWeight))
                pair += 1
            }
        }
        network.backward(verdicts: verdictGradient, withhold: withholdGradient)
        let totalWeight = decisions.reduce(0) { $0 + $1.weight }
        return totalWeight > 0 ? kl / totalWeight : 0
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
