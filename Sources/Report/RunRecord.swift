import Foundation
import RunLog

/// One run folder as the report reads it back (layout in docs/runs.md): its scalars by tag, and
/// whichever of `run.json`, `config.yaml` and `eval.json` exist yet. A file that is absent is
/// listed in `missingFiles` (a run in progress has no eval yet); a file that is present but
/// unreadable is an error naming it.
public struct RunRecord: Sendable {
    public var url: URL
    /// The label in legends and tables: the folder's name.
    public var name: String
    /// Points per tag, in step order (points logged at the same step keep their file order).
    public var series: [String: [ScalarPoint]]
    public var facts: RunRecordFacts?
    public var configText: String?
    public var evalReport: EvaluationTables?
    public var missingFiles: [String]

    public static let metricsFile = "metrics.jsonl"
    public static let factsFile = "run.json"
    public static let configFile = "config.yaml"
    public static let evalFile = "eval.json"

    public init(name: String, url: URL, series: [String: [ScalarPoint]], facts: RunRecordFacts?, configText: String?,
                evalReport: EvaluationTables?, missingFiles: [String]) {
        self.name = name
        self.url = url
        self.series = series
        self.facts = facts
        self.configText = configText
        self.evalReport = evalReport
        self.missingFiles = missingFiles
    }

    public static func load(_ url: URL) throws -> RunRecord {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError.notARunDirectory(url.path)
        }
        var missing: [String] = []
        func existing(_ name: String) -> URL? {
            let file = url.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) { return file }
            missing.append(name)
            return nil
        }

        var series: [String: [ScalarPoint]] = [:]
        if let file = existing(metricsFile) {
            for point in try MetricsLog.read(file) {
                series[point.tag, default: []].append(point)
            }
            for tag in series.keys {
                series[tag] = series[tag]!.enumerated()
                    .sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }
                    .map(\.element)
            }
        }
        let facts = try existing(factsFile).map { try decodeJSON(RunRecordFacts.self, from: $0) }
        let configText = try existing(configFile).map { file in
            do {
                return try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw ReportError.malformedFile(file: file.path, reason: "not UTF-8 text")
            }
        }
        let evalReport = try existing(evalFile).map { try decodeJSON(EvaluationTables.self, from: $0) }
        return RunRecord(name: url.standardizedFileURL.lastPathComponent, url: url, series: series, facts: facts,
                            configText: configText, evalReport: evalReport, missingFiles: missing)
    }

    /// Tags in reading order (see `TagDescription.readingOrder`).
    public var tags: [String] {
        series.keys.sorted(by: TagDescription.readingOrder)
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, from file: URL) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(contentsOf: file))
        } catch let error as DecodingError {
            throw ReportError.malformedFile(file: file.path, reason: describe(error))
        }
    }

    /// DecodingError's own description is a debugging dump; say which field is wrong instead.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "top level" : keys.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key \"\(key.stringValue)\""
        case .dataCorrupted(let context): return "\(path(context)): not valid JSON (\(context.debugDescription))"
        @unknown default: return "\(error)"
        }
    }
}
