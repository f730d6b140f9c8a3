import Environments
import Episodes
import Foundation
import Metrics
import RunLog

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
/// defenses, in the order given. A sharded evaluation (`safemcp eval --shard I/N`) runs `shard`
/// on its share of each suite's episodes (and on shard 0 the labelled data); `safemcp merge`
/// joins the parts and `EvaluationPart.assembled` builds the tables, exactly as `run` does.
public enum Evaluator {
    public static func run(_ plan: EvaluationPlan, defenses: [EvaluatedDefense], log: (String) -> Void) throws -> EvaluationResult {
        try shard(plan, defenses: defenses, shard: .whole, log: log).assembled()
    }

    /// Shard `shard` of the evaluation: its episodes of every suite, and (on shard 0) the
    /// labelled data judged whole.
    public static func shard(_ plan: EvaluationPlan, defenses: [EvaluatedDefense], shard: RolloutShard,
                             log: (String) -> Void) throws -> EvaluationPart {
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
        let range = shard.episodes(of: plan.episodes)
        var rollouts: [EvaluationPart.SuiteRollouts] = []
        for suite in plan.suites {
            let compiled = try CompiledSuite(suite)
            let reference = Rollout.reference(compiled, episodes: range, seed: plan.seed)
            var results: [[EpisodeResult]] = []
            for defense in defenses {
                let started = Date()
                results.append(Rollout.run(compiled, defense: try defense.episodeDefense(), episodes: range, seed: plan.seed))
                log("\(suite.name): \(defense.name): \(range.count) episodes in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
            rollouts.append(EvaluationPart.SuiteRollouts(results: results, reference: reference))
        }
        var dataTables: [EvaluationTables.Table] = []
        for (data, states) in labelled where shard.index == 0 {
            var rows: [EvaluationTables.Row] = []
            for defense in defenses {
                let started = Date()
                let judgements = try defense.judge(states)
                rows.append(StepColumns.row(defense.name, states: states, judgements: judgements, withholdsTools: defense.withholdsTools))
                log("\(data.name): \(defense.name): \(states.count) states in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
            dataTables.append(EvaluationTables.Table(title: "\(data.name): \(states.count) labelled states", columns: EvaluationTables.stepColumns,
                                                     rows: rows))
        }
        let facts = EvaluationPart.Facts(
            split: plan.split.rawValue, heldOutFraction: plan.heldOutFraction, episodesPerSuite: plan.episodes, seed: plan.seed,
            suites: plan.suites.map(EvaluationResult.SuiteFacts.init),
            data: labelled.map { EvaluationResult.DataFacts(name: $0.data.name, episodes: $0.data.episodes.count, states: $0.states.count) },
            rows: defenses.map(\.name))
        return EvaluationPart(shard: shard, facts: facts, suites: rollouts, dataTables: dataTables)
    }
}

/// What one shard of `safemcp eval --shard I/N` writes: every defense's episode results on its
/// share of each suite (and the reference without a defense), and on shard 0 the tables of the
/// labelled data. Joined in shard order (`merged`), `assembled` gives the one-process result.
public struct EvaluationPart: Codable {
    public static let kind = "eval"

    /// The evaluation's settings; every part of one run carries the same.
    public struct Facts: Codable, Equatable, CustomStringConvertible {
        public var split: String
        public var heldOutFraction: Double
        public var episodesPerSuite: Int
        public var seed: UInt64
        public var suites: [EvaluationResult.SuiteFacts]
        public var data: [EvaluationResult.DataFacts]
        public var rows: [String]

        public var description: String {
            "split \(split), \(episodesPerSuite) episodes, seed \(seed), suites \(suites.map(\.name).joined(separator: ",")), rows \(rows.joined(separator: ","))"
        }
    }

    public struct SuiteRollouts: Codable {
        /// One list per defense, in row order.
        public var results: [[EpisodeResult]]
        public var reference: [EpisodeResult]
    }

    public var kind = EvaluationPart.kind
    public var shard: RolloutShard
    public var facts: Facts
    public var suites: [SuiteRollouts]
    public var dataTables: [EvaluationTables.Table]

    public static func merged(_ parts: [EvaluationPart]) -> EvaluationPart {
        precondition(!parts.isEmpty, "merging needs a part")
        var whole = parts[0]
        whole.shard = .whole
        for part in parts.dropFirst() {
            for suite in whole.suites.indices {
                whole.suites[suite].reference += part.suites[suite].reference
                for row in whole.suites[suite].results.indices { whole.suites[suite].results[row] += part.suites[suite].results[row] }
            }
            whole.dataTables += part.dataTables
        }
        return whole
    }

    /// The tables of the whole evaluation, from a part that holds every episode.
    public func assembled() -> EvaluationResult {
        var tables: [EvaluationTables.Table] = []
        var pooled = [[EpisodeResult]](repeating: [], count: facts.rows.count)
        var pooledReference: [EpisodeResult] = []
        for (suite, rollouts) in zip(facts.suites, suites) {
            pooledReference += rollouts.reference
            var rows: [EvaluationTables.Row] = []
            for (index, name) in facts.rows.enumerated() {
                let metrics = EpisodeMetrics.compute(rollouts.results[index], reference: rollouts.reference, maxAttempts: suite.maxAttempts)
                rows.append(EpisodeColumns.row(name, metrics))
                pooled[index] += rollouts.results[index]
            }
            tables.append(EvaluationTables.Table(
                title: "\(suite.name)\(suite.evaluationOnly ? " (evaluation only)" : ""): \(facts.split) tasks, "
                    + "\(suite.tasks) tasks, \(facts.episodesPerSuite) episodes",
                columns: EpisodeColumns.names, rows: rows))
        }
        if facts.suites.count > 1 {
            // Every suite's Harm@k list ends at its own max_attempts; pooled at the largest, each
            // episode's harm falls within it, so Harm@max stays 1 − Safety.
            let maxAttempts = facts.suites.map(\.maxAttempts).max() ?? 1
            tables.append(EvaluationTables.Table(
                title: "all suites: \(facts.split) tasks, \(facts.suites.map(\.tasks).reduce(0, +)) tasks, "
                    + "\(pooledReference.count) episodes",
                columns: EpisodeColumns.names,
                rows: zip(facts.rows, pooled).map { name, results in
                    EpisodeColumns.row(name, EpisodeMetrics.compute(results, reference: pooledReference, maxAttempts: maxAttempts))
                }))
        }
        return EvaluationResult(
            split: facts.split, heldOutFraction: facts.heldOutFraction, episodesPerSuite: facts.episodesPerSuite, seed: facts.seed,
            suites: facts.suites, data: facts.data, rows: facts.rows, tables: tables + dataTables)
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
