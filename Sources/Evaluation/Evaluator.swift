import Environments
import Episodes
import Foundation
import Metrics

/// What to evaluate: suites already restricted to their split, and labelled data.
public struct EvaluationPlan {
    public var suites: [Suite]
    /// Which tasks `suites` hold, for the titles and the JSON.
    public var split: SuiteSplit
    public var heldOutFraction: Double
    /// Episodes per suite (episode i runs task i mod tasks, as `Rollout.run`).
    public var episodes: Int
    public var seed: UInt64
    public var data: [LabelledData]

    public init(suites: [Suite], split: SuiteSplit, heldOutFraction: Double = SuiteSplit.defaultHeldOutFraction, episodes: Int,
                seed: UInt64, data: [LabelledData] = []) {
        self.suites = suites
        self.split = split
        self.heldOutFraction = heldOutFraction
        self.episodes = episodes
        self.seed = seed
        self.data = data
    }
}

/// Labelled episodes read from one file.
public struct LabelledData {
    public var name: String
    public var episodes: [Episode]

    public init(name: String, episodes: [Episode]) {
        self.name = name
        self.episodes = episodes
    }
}

/// Runs every defense on every suite and every labelled file, one table each: the rows are the
/// defenses, in the order given.
public enum Evaluator {
    public static func run(_ plan: EvaluationPlan, defenses: [EvaluatedDefense], log: (String) -> Void) throws -> EvaluationResult {
        precondition(!defenses.isEmpty, "an evaluation needs at least one defense")
        if let generated = plan.suites.first(where: \.trainOnly) {
            throw EvaluationError("\(generated.name) is train-only (generated for training): a score on it says nothing about unseen tasks")
        }
        // Checked before any episode runs, so a file with nothing to judge fails at once.
        let labelled = try plan.data.map { data -> (data: LabelledData, states: [LabelledState]) in
            let states = LabelledState.states(of: data.episodes)
            guard !states.isEmpty else {
                throw EvaluationError("\(data.name): no labelled steps to judge (\(data.episodes.count) episodes)")
            }
            return (data, states)
        }
        var tables: [EvaluationTables.Table] = []
        var pooled = [[EpisodeResult]](repeating: [], count: defenses.count)
        var pooledReference: [EpisodeResult] = []
        for suite in plan.suites {
            let compiled = try CompiledSuite(suite)
            let reference = Rollout.reference(compiled, episodes: plan.episodes, seed: plan.seed)
            pooledReference += reference
            var rows: [EvaluationTables.Row] = []
            for (index, defense) in defenses.enumerated() {
                let started = Date()
                let results = Rollout.run(compiled, defense: try defense.episodeDefense(), episodes: plan.episodes, seed: plan.seed)
                let metrics = EpisodeMetrics.compute(results, reference: reference, maxAttempts: suite.maxAttempts)
                rows.append(EpisodeColumns.row(defense.name, metrics))
                pooled[index] += results
                log("\(suite.name): \(defense.name): \(plan.episodes) episodes in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
            tables.append(EvaluationTables.Table(
                title: "\(suite.name)\(suite.evaluationOnly ? " (evaluation only)" : ""): \(plan.split.rawValue) tasks, "
                    + "\(suite.tasks.count) tasks, \(plan.episodes) episodes",
                columns: EpisodeColumns.names, rows: rows))
        }
        if plan.suites.count > 1 {
            // Every suite's Harm@k list ends at its own max_attempts; pooled at the largest, each
            // episode's harm falls within it, so Harm@max stays 1 − Safety.
            let maxAttempts = plan.suites.map(\.maxAttempts).max() ?? 1
            tables.append(EvaluationTables.Table(
                title: "all suites: \(plan.split.rawValue) tasks, \(plan.suites.map(\.tasks.count).reduce(0, +)) tasks, "
                    + "\(pooledReference.count) episodes",
                columns: EpisodeColumns.names,
                rows: zip(defenses, pooled).map { defense, results in
                    EpisodeColumns.row(defense.name, EpisodeMetrics.compute(results, reference: pooledReference, maxAttempts: maxAttempts))
                }))
        }
        for (data, states) in labelled {
            var rows: [EvaluationTables.Row] = []
            for defense in defenses {
                let started = Date()
                let judgements = try defense.judge(states)
                rows.append(StepColumns.row(defense.name, states: states, judgements: judgements, withholdsTools: defense.withholdsTools))
                log("\(data.name): \(defense.name): \(states.count) states in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
            tables.append(EvaluationTables.Table(title: "\(data.name): \(states.count) labelled states", columns: EvaluationTables.stepColumns,
                                                 rows: rows))
        }
        return EvaluationResult(
            split: plan.split.rawValue, heldOutFraction: plan.heldOutFraction, episodesPerSuite: plan.episodes, seed: plan.seed,
            suites: plan.suites.map(EvaluationResult.SuiteFacts.init),
            data: labelled.map { EvaluationResult.DataFacts(name: $0.data.name, episodes: $0.data.episodes.count, states: $0.states.count) },
            rows: defenses.map(\.name), tables: tables)
    }
}

/// The step table's row: verdicts scored on every state, withheld sets on the states whose
/// source gives the tier-1 truth.
enum StepColumns {
    static func row(_ name: String, states: [LabelledState], judgements: [StepJudgement], withholdsTools: Bool) -> EvaluationTables.Row {
        precondition(states.count == judgements.count, "one judgement per state")
        let verdicts = StepMetrics(zip(states, judgements).map {
            ScoredStep(truth: $0.0.label, prediction: $0.1.verdict, trueWithheld: [], predictedWithheld: [])
        })
        let withheldSteps = zip(states, judgements).compactMap { state, judgement in
            state.withheld.map { ScoredStep(truth: state.label, prediction: judgement.verdict, trueWithheld: $0, predictedWithheld: judgement.withheld) }
        }
        let withheld = withholdsTools && !withheldSteps.isEmpty ? StepMetrics(withheldSteps) : nil
        return EvaluationTables.row(name, verdict: verdicts, withheld: withheld)
    }
}

public struct EvaluationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
