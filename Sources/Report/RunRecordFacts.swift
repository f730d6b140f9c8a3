import Foundation

/// The facts `run.json` holds about one training job (layout in docs/runs.md). Every field is
/// optional: a running job has no `finished_at`, and older runs may lack newer fields.
public struct RunRecordFacts: Decodable, Equatable, Sendable {
    public var name: String?
    public var command: String?
    public var seed: Int?
    public var gitCommit: String?
    public var openblasThreads: String?
    public var kernels: String?
    public var cpu: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var durationSeconds: Double?
    public var status: String?
    public var stages: [String]?

    enum CodingKeys: String, CodingKey {
        case name, command, seed, status, stages, kernels, cpu
        case gitCommit = "git_commit"
        case openblasThreads = "openblas_threads"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        command = try container.decodeIfPresent(String.self, forKey: .command)
        seed = try container.decodeIfPresent(Int.self, forKey: .seed)
        gitCommit = try container.decodeIfPresent(String.self, forKey: .gitCommit)
        // The environment variable is text, but a writer may well store it as a number.
        if let number = try? container.decodeIfPresent(Int.self, forKey: .openblasThreads) {
            openblasThreads = String(number)
        } else {
            openblasThreads = try container.decodeIfPresent(String.self, forKey: .openblasThreads)
        }
        kernels = try container.decodeIfPresent(String.self, forKey: .kernels)
        cpu = try container.decodeIfPresent(String.self, forKey: .cpu)
        startedAt = try container.decodeIfPresent(String.self, forKey: .startedAt)
        finishedAt = try container.decodeIfPresent(String.self, forKey: .finishedAt)
        durationSeconds = try container.decodeIfPresent(Double.self, forKey: .durationSeconds)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        stages = try container.decodeIfPresent([String].self, forKey: .stages)
    }

    /// `733.0` → `12 min 13 s`; hours appear only when there are any.
    public static func formatDuration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let hours = total / 3600, minutes = total % 3600 / 60, rest = total % 60
        if hours > 0 { return "\(hours) h \(minutes) min \(rest) s" }
        if minutes > 0 { return "\(minutes) min \(rest) s" }
        return "\(rest) s"
    }
}
