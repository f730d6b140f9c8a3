import Foundation

/// One logged point: a scalar under a namespaced tag (`stage1/loss`, `rl/reward_safety`) at a step.
public struct ScalarPoint: Codable, Equatable, Sendable {
    public var step: Int
    public var tag: String
    public var value: Double
    public var wallTime: Double

    public init(step: Int, tag: String, value: Double, wallTime: Double) {
        self.step = step
        self.tag = tag
        self.value = value
        self.wallTime = wallTime
    }

    enum CodingKeys: String, CodingKey {
        case step, tag, value
        case wallTime = "wall_time"
    }
}

/// Writes a run's scalars three ways at once: `metrics.jsonl` (one point per line, for tools),
/// `metrics.csv` (long form `step,tag,value,wall_time`, so a tag that first appears late in a
/// run needs no new column) and a TensorBoard event file. Every call is flushed before it
/// returns, so a crash loses nothing already logged.
public final class MetricsLog {
    public let directory: URL
    private let jsonLines: FileHandle
    private let csv: FileHandle
    private let events: EventFileWriter
    private let encoder: JSONEncoder

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        jsonLines = try Self.openForAppend(directory.appendingPathComponent("metrics.jsonl"), header: nil)
        csv = try Self.openForAppend(directory.appendingPathComponent("metrics.csv"), header: "step,tag,value,wall_time\n")
        events = try EventFileWriter(directory: directory)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    deinit {
        try? jsonLines.close()
        try? csv.close()
    }

    public func log(step: Int, _ scalars: [(tag: String, value: Double)], wallTime: Double = Date().timeIntervalSince1970) throws {
        var jsonText = Data()
        var csvText = ""
        for (tag, value) in scalars {
            jsonText += try encoder.encode(ScalarPoint(step: step, tag: tag, value: value, wallTime: wallTime))
            jsonText.append(0x0A)
            csvText += "\(step),\(Self.csvField(tag)),\(value),\(wallTime)\n"
        }
        try jsonLines.write(contentsOf: jsonText)
        try jsonLines.synchronize()
        try csv.write(contentsOf: Data(csvText.utf8))
        try csv.synchronize()
        try events.write(step: step, scalars: scalars, wallTime: wallTime)
    }

    /// Reads `metrics.jsonl` back; a torn last line (a crash mid-write) is skipped, any other
    /// bad line is an error naming the file and line.
    public static func read(_ url: URL) throws -> [ScalarPoint] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        var points: [ScalarPoint] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                points.append(try decoder.decode(ScalarPoint.self, from: Data(line.utf8)))
            } catch {
                let isTornTail = index == lines.count - 1 && !text.hasSuffix("\n")
                if isTornTail { continue }
                throw RunLogError.malformedLine(file: url.path, line: index + 1, reason: "not a metrics point: \(error)")
            }
        }
        return points
    }

    private static func openForAppend(_ url: URL, header: String?) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: header.map { Data($0.utf8) }) else {
                throw RunLogError.cannotCreate(url.path)
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return handle
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
