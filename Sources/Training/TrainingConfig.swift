import Foundation
import TextEncoder

/// Everything a training job reads from `configs/*.yaml` (every key with its default and meaning
/// is in docs/config.md, which a test keeps equal to these structs). Stage hyperparameters are
/// at the top of their stage's file: `WorldModelTraining.Config`, `SupervisedInit.Config`,
/// `ReinforcementLearning.Config`.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// Seed of every random choice: initial weights, data order, dropout, the validation split.
    public var seed = 7
    public var encoder = EncoderConfig()
    public var data = DataConfig()
    public var features = FeatureConfig()
    public var stage1 = WorldModelTraining.Config()
    public var stage2 = SupervisedInit.Config()
    public var stage3 = ReinforcementLearning.Config()
    public var baselines = BaselineConfig()
    public var checkpoints = CheckpointConfig()

    public init() {}
}

public struct EncoderConfig: Codable, Equatable, Sendable {
    public init() {}

    /// `minilm` (all-MiniLM-L6-v2) or `hashing` (fast, for tests only).
    public var kind = EncoderKind.minilm
    /// Folder with model.safetensors and vocab.txt; empty: the installed package.
    public var directory = ""
    /// Vector size of the hashing encoder (MiniLM is always 384).
    public var hashingDimension = 384
}

/// One input: a dataset written by `safemcp data import` (`format: dataset`), a public file
/// imported on the fly (`format: safemcp | powerseeking | toolemu | harmactions | audit`), or a
/// suite folder whose training tasks are rolled out when the job starts (`format: suite`, with
/// `episodes`, `seed` and `policy`: `none` or `rules`).
public struct DataSource: Codable, Equatable, Sendable {
    /// Relative paths are resolved against the working directory.
    public var path: String
    public var format: String
    /// `format: suite` only: episodes to roll out (default 400).
    public var episodes: Int?
    /// `format: suite` only: the rollout's seed (default 0).
    public var seed: Int?
    /// `format: suite` only: the defense in the loop while recording, `none` (default) or `rules`.
    public var policy: String?
    /// What `data.leaveOut` and the logs call the source (`group/part` names join a group that one leaveOut entry leaves out whole); default: the file or folder name without its extension.
    public var name: String?
    /// The source's share of every training batch, relative to the other sources' weights (1 when unset); without any weight, examples are drawn uniformly, so the largest source fills most batches.
    public var weight: Double?

    public init(path: String, format: String, episodes: Int? = nil, seed: Int? = nil, policy: String? = nil, name: String? = nil,
                weight: Double? = nil) {
        self.path = path
        self.format = format
        self.episodes = episodes
        self.seed = seed
        self.policy = policy
        self.name = name
        self.weight = weight
    }

    /// `name`, else the last path component without its extension.
    public var resolvedName: String {
        name ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}

public struct DataConfig: Codable, Equatable, Sendable {
    public init() {}

    /// Training data; the validation split is carved out of it.
    public var train: [DataSource] = []
    /// Held-out test data, evaluated once at the end; never used for training or early stopping.
    public var test: [DataSource] = []
    /// Share of the training episodes (seeded, by validationBy) kept for validation and early stopping.
    public var validationFraction = 0.15
    /// `task`: all episodes of a task (same source and instruction) fall on one side, so early stopping rewards what carries over to unseen tasks; `episode`: each episode on its own.
    public var validationBy = ValidationUnit.task
    /// Sources of data.train (by name, or the group before a `/` in names) kept out of every stage's training and used as the validation split instead (leave-one-source-out; sources without labelled steps validate on a share of the other tasks); a stage3.episodeSuites folder of the same name is not rolled out either.
    public var leaveOut: [String] = []

    public enum ValidationUnit: String, Codable, CaseIterable, Equatable, Sendable {
        case task
        case episode
    }
}

public struct FeatureConfig: Codable, Equatable, Sendable {
    public init() {}

    /// How many previous steps the history part of the state averages over.
    public var historyWindow = 4
    /// Append the pending call's argument-grounding shares (from the instruction, from recent observations, from neither; and over ids, amounts, paths and addresses alone) to the state.
    public var grounding = false
    /// Append the static rules' findings (RuleFindings: the pending call's tool denied, its arguments dangerous) to the state, and each tool's "denied" bit to its withhold input.
    public var rules = false
    /// Append the safety floor's finding on the pending call (one bit: would the floor refuse it) to the state.
    public var floor = false
}

public struct BaselineConfig: Codable, Equatable, Sendable {
    public init() {}

    /// Train and evaluate the baselines (majority class, action classifier, stage 2 without the world model) after stage 2.
    public var enabled = true
    /// The action classifier of Agent Action Guard: MLP on the pending action's embedding alone.
    public var actionClassifier = ActionClassifier.Config()
}

public struct CheckpointConfig: Codable, Equatable, Sendable {
    public init() {}

    /// Save a checkpoint every this many steps of a stage (and always at its end).
    public var interval = 500
    /// Checkpoints kept per stage (the newest ones).
    public var keepLast = 3
}

extension TrainingConfig {
    /// Checks values the types cannot express, naming the key.
    public func validate() throws {
        func require(_ condition: Bool, _ key: String, _ message: String) throws {
            if !condition { throw TrainingError.invalidConfig(key, message) }
        }
        try require(encoder.hashingDimension > 0, "encoder.hashingDimension", "must be positive")
        try require(data.validationFraction > 0 && data.validationFraction < 1, "data.validationFraction", "must be in (0, 1)")
        try require(features.historyWindow >= 1, "features.historyWindow", "must be at least 1")
        try require(checkpoints.interval >= 1, "checkpoints.interval", "must be at least 1")
        try require(checkpoints.keepLast >= 1, "checkpoints.keepLast", "must be at least 1")
        for (key, source) in data.train.enumerated().map({ ("data.train[\($0)]", $1) }) + data.test.enumerated().map({ ("data.test[\($0)]", $1) }) {
            try require(DataSource.formats.contains(source.format), key + ".format",
                        "expected one of \(DataSource.formats.joined(separator: ", ")), found \"\(source.format)\"")
            if source.format == "suite" {
                try require((source.episodes ?? 1) >= 1, key + ".episodes", "must be at least 1")
                try require(["none", "rules"].contains(source.policy ?? "none"), key + ".policy",
                            "expected none or rules, found \"\(source.policy ?? "")\"")
            } else {
                try require(source.episodes == nil && source.seed == nil && source.policy == nil, key,
                            "episodes, seed and policy apply to format: suite only")
            }
        }
        let names = data.train.map(\.resolvedName)
        for (index, name) in names.enumerated() where names[..<index].contains(name) {
            throw TrainingError.invalidConfig("data.train[\(index)].name", "\"\(name)\" names an earlier source too; give each a distinct name")
        }
        for (index, source) in data.train.enumerated() {
            try require((source.weight ?? 1) > 0, "data.train[\(index)].weight", "must be positive")
        }
        for (index, name) in data.leaveOut.enumerated() {
            try require(names.contains { $0 == name || $0.hasPrefix(name + "/") }, "data.leaveOut[\(index)]",
                        "\"\(name)\" names no source of data.train (they are \(names.joined(separator: ", ")))")
        }
        try require(data.train.isEmpty || !data.train.allSatisfy(data.isLeftOut), "data.leaveOut", "leaves no source to train on")
        try stage1.validate(prefix: "stage1")
        try stage2.validate(prefix: "stage2")
        try stage3.validate(prefix: "stage3")
        try baselines.actionClassifier.validate(prefix: "baselines.actionClassifier")
    }
}

extension DataSource {
    static let formats = ["dataset", "suite", "safemcp", "powerseeking", "toolemu", "harmactions", "audit"]
}
