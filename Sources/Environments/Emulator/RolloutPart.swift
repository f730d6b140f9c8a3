import Episodes

/// What one shard of `safemcp envs rollout --shard I/N` writes: for each suite, its episodes'
/// results with the defense and without one (the reference over-blocking needs), and the
/// executed episodes when the command records them. `safemcp merge` concatenates the parts in
/// shard order and computes the table from the whole, as one process does.
public struct RolloutPart: Codable {
    public static let kind = "rollout"

    /// The command's settings; every part of one run carries the same.
    public struct Facts: Codable, Equatable, CustomStringConvertible {
        public var policy: String
        public var split: String
        public var heldOutFraction: Double
        public var episodes: Int
        public var seed: UInt64
        public var suites: [String]
        /// Where `safemcp merge` writes the executed episodes (`--record`), if anywhere.
        public var record: String?

        public init(policy: String, split: String, heldOutFraction: Double, episodes: Int, seed: UInt64, suites: [String], record: String?) {
            self.policy = policy
            self.split = split
            self.heldOutFraction = heldOutFraction
            self.episodes = episodes
            self.seed = seed
            self.suites = suites
            self.record = record
        }

        public var description: String {
            "policy \(policy), split \(split), \(episodes) episodes, seed \(seed), suites \(suites.joined(separator: ","))"
                + (record.map { ", record \($0)" } ?? "")
        }
    }

    public struct SuitePart: Codable {
        public var name: String
        public var tasks: Int
        public var evaluationOnly: Bool
        public var maxAttempts: Int
        public var results: [EpisodeResult]
        public var reference: [EpisodeResult]
        /// The executed episodes of `results`, when the command records them.
        public var recorded: [Episode]?

        public init(name: String, tasks: Int, evaluationOnly: Bool, maxAttempts: Int, results: [EpisodeResult], reference: [EpisodeResult],
                    recorded: [Episode]?) {
            self.name = name
            self.tasks = tasks
            self.evaluationOnly = evaluationOnly
            self.maxAttempts = maxAttempts
            self.results = results
            self.reference = reference
            self.recorded = recorded
        }
    }

    public var kind = RolloutPart.kind
    public var shard: RolloutShard
    public var facts: Facts
    public var suites: [SuitePart]

    public init(shard: RolloutShard, facts: Facts, suites: [SuitePart]) {
        self.shard = shard
        self.facts = facts
        self.suites = suites
    }

    /// The parts of one run joined in shard order: what one process would have written.
    public static func merged(_ parts: [RolloutPart]) -> RolloutPart {
        precondition(!parts.isEmpty, "merging needs a part")
        var whole = parts[0]
        whole.shard = .whole
        for part in parts.dropFirst() {
            for index in whole.suites.indices {
                whole.suites[index].results += part.suites[index].results
                whole.suites[index].reference += part.suites[index].reference
                if let recorded = part.suites[index].recorded { whole.suites[index].recorded? += recorded }
            }
        }
        return whole
    }
}
