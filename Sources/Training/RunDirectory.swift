import DurableFiles
import Foundation
import NeuralNet
import TextEncoder

/// Facts about a run that the report shows (docs/runs.md, `run.json`).
public struct RunFacts: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case running, finished, interrupted, failed
    }

    public var name: String
    public var command: String
    public var seed: Int
    public var gitCommit: String?
    public var openblasThreads: String
    /// Which code ran the matrix products (`RunFacts.kernelsInUse`); absent in older runs.
    public var kernels: String?
    /// The CPU's model name; absent in older runs.
    public var cpu: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationSeconds: Double?
    public var status: Status
    public var stages: [String]

    enum CodingKeys: String, CodingKey {
        case name, command, seed, status, stages, kernels, cpu
        case gitCommit = "git_commit"
        case openblasThreads = "openblas_threads"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
    }
}

extension RunFacts {
    /// What ran the matrix products, e.g. `network avx512, encoder avx512, OpenBLAS SkylakeX`:
    /// results differ in the last bits between kernel sets, so a run records its own.
    public static func kernelsInUse() -> String {
        let encoder = (try? EncoderKernels.configured()).map(\.rawValue) ?? "invalid setting"
        return "network \(NetworkKernels.current.rawValue), encoder \(encoder), OpenBLAS \(OpenBLASKernels.coreName)"
    }
}

/// `runs/<name>/`: where one training job keeps its config, facts, metrics and checkpoints.
public struct RunDirectory: Sendable {
    public let url: URL

    public init(root: URL, name: String) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw TrainingError.invalidRunName(name)
        }
        url = root.appendingPathComponent(name)
    }

    public var name: String { url.lastPathComponent }
    public var configURL: URL { url.appendingPathComponent("config.yaml") }
    public var factsURL: URL { url.appendingPathComponent("run.json") }
    /// The state layout and shapes the run trains (`PolicyLayout`).
    public var layoutURL: URL { url.appendingPathComponent("layout.json") }
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints") }
    public var evalURL: URL { url.appendingPathComponent("eval.json") }
    public var exists: Bool { FileManager.default.fileExists(atPath: factsURL.path) }

    public func create() throws {
        try FileManager.default.createDirectory(at: checkpointsURL, withIntermediateDirectories: true)
    }

    public func readFacts() throws -> RunFacts {
        try readJSON(RunFacts.self, from: factsURL)
    }

    public func writeFacts(_ facts: RunFacts) throws {
        try writeJSON(facts, to: factsURL)
    }

    /// A JSON file of the run (`run.json`, `layout.json`); an error names the file.
    func readJSON<Value: Decodable>(_ type: Value.Type, from url: URL) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(contentsOf: url))
        } catch {
            throw TrainingError.unreadable(url.path, "\(error)")
        }
    }

    /// Written as people read it (indented, keys sorted) and atomically, so a crash leaves the
    /// old file or the new one.
    func writeJSON<Value: Encodable>(_ value: Value, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(encoder.encode(value), to: url)
    }

    /// The short commit of the working tree the run was started from, if it is a git checkout.
    public static func gitCommit(in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path, "rev-parse", "--short", "HEAD"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
