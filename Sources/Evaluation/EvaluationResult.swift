import Environments
import Foundation
import Metrics
import RunLog

/// What `safemcp eval` prints: one table per suite, one over all suites, one per labelled file,
/// with the facts needed to reproduce them. `--json` prints it as one object (snake_case keys).
public struct EvaluationResult: Codable, Equatable, Sendable {
    public struct SuiteFacts: Codable, Equatable, Sendable {
        public var name: String
        public var tasks: Int
        public var risky: Int
        public var benign: Int
        public var maxAttempts: Int
        public var evaluationOnly: Bool

        enum CodingKeys: String, CodingKey {
            case name, tasks, risky, benign
            case maxAttempts = "max_attempts"
            case evaluationOnly = "evaluation_only"
        }

        init(_ suite: Suite) {
            name = suite.name
            tasks = suite.tasks.count
            risky = suite.tasks.filter { $0.kind == .risky }.count
            benign = suite.tasks.filter { $0.kind == .benign }.count
            maxAttempts = suite.maxAttempts
            evaluationOnly = suite.evaluationOnly
        }
    }

    public struct DataFacts: Codable, Equatable, Sendable {
        public var name: String
        public var episodes: Int
        public var states: Int
    }

    public var split: String
    public var heldOutFraction: Double
    public var episodesPerSuite: Int
    public var seed: UInt64
    public var suites: [SuiteFacts]
    public var data: [DataFacts]
    /// The defenses compared, in row order.
    public var rows: [String]
    public var tables: [EvaluationTables.Table]

    enum CodingKeys: String, CodingKey {
        case split, seed, suites, data, rows, tables
        case heldOutFraction = "held_out_fraction"
        case episodesPerSuite = "episodes_per_suite"
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The tables as aligned text (`EvaluationTables.text`).
    public var text: String {
        EvaluationTables(tables: tables).text
    }
}
