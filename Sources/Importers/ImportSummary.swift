import Foundation
import Episodes

/// A row that could not be imported: where it is and what was wrong with it.
public struct ImportIssue: Codable, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line where the row starts.
    public var line: Int
    /// A short, stable reason used for counting (`no_safety_tag`, `not_json`, ...).
    public var reason: String
    public var message: String

    public init(file: String, line: Int, reason: String, message: String) {
        self.file = file
        self.line = line
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message) [\(reason)]" }
}

/// What happened to the rows of one input file.
public struct FileImportSummary: Codable, Hashable, Sendable {
    public var path: String
    public var rowsRead = 0
    public var imported = 0
    public var dropped = 0
    public var droppedByReason: [String: Int] = [:]
    /// Quirks of the source that were repaired without guessing (`malformed_safety_tag`, ...),
    /// counted per kind; the rows are imported.
    public var recovered: [String: Int] = [:]
    /// Imported rows marked evaluation-only: their source's terms forbid training on them.
    public var evaluationOnly = 0
    /// What the reader could not check in this file, for a person to act on.
    public var warnings: [String] = []

    enum CodingKeys: String, CodingKey {
        case path, imported, dropped, recovered, warnings
        case rowsRead = "rows_read"
        case droppedByReason = "dropped_by_reason"
        case evaluationOnly = "evaluation_only"
    }

    public init(path: String) {
        self.path = path
    }
}

/// The summary of one import run, printed by `safemcp data import` (also as `--json`).
public struct ImportSummary: Codable, Hashable, Sendable {
    public var format: String
    public var files: [FileImportSummary]
    /// Every dropped row, named by file and line.
    public var issues: [ImportIssue]

    enum CodingKeys: String, CodingKey {
        case format, files, issues
        case rowsRead = "rows_read"
        case imported, dropped
        case droppedByReason = "dropped_by_reason"
    }

    public init(format: String, files: [FileImportSummary], issues: [ImportIssue]) {
        self.format = format
        self.files = files
        self.issues = issues
    }

    public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
    public var imported: Int { files.reduce(0) { $0 + $1.imported } }
    public var dropped: Int { files.reduce(0) { $0 + $1.dropped } }
    public var droppedByReason: [String: Int] {
        files.reduce(into: [:]) { total, file in total.merge(file.droppedByReason, uniquingKeysWith: +) }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        files = try container.decode([FileImportSummary].self, forKey: .files)
        issues = try container.decode([ImportIssue].self, forKey: .issues)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(files, forKey: .files)
        try container.encode(issues, forKey: .issues)
        try container.encode(rowsRead, forKey: .rowsRead)
        try container.encode(imported, forKey: .imported)
        try container.encode(dropped, forKey: .dropped)
        try container.encode(droppedByReason, forKey: .droppedByReason)
    }
}

/// Episodes imported from some files, and what happened to every row.
public struct ImportResult: Sendable {
    public var episodes: [Episode]
    public var summary: ImportSummary
}

/// Why one row was dropped; thrown by the per-row parsers and caught by `ImportLog`. `line` is
/// set where the problem is found somewhere other than the row's first line.
struct RowError: Error, CustomStringConvertible {
    var reason: String
    var message: String
    var line: Int?

    init(_ reason: String, _ message: String, line: Int? = nil) {
        self.reason = reason
        self.message = message
        self.line = line
    }

    var description: String { message }
}

/// Collects the outcome of every row of one file.
struct ImportLog {
    private(set) var summary: FileImportSummary
    private(set) var issues: [ImportIssue] = []
    private(set) var episodes: [Episode] = []

    init(path: String) {
        summary = FileImportSummary(path: path)
    }

    /// Runs `parse` for one row; a thrown `RowError` (or any error) drops only that row, and
    /// the repairs counted for it are forgotten (they describe imported rows only).
    mutating func row(line: Int, _ parse: (inout ImportLog) throws -> [Episode]) {
        summary.rowsRead += 1
        let recoveredBefore = summary.recovered
        do {
            let parsed = try parse(&self)
            episodes += parsed
            summary.imported += 1
            summary.evaluationOnly += parsed.filter { $0.evaluationOnly == true }.count
        } catch let error as RowError {
            summary.recovered = recoveredBefore
            drop(line: error.line ?? line, reason: error.reason, message: error.message)
        } catch {
            summary.recovered = recoveredBefore
            drop(line: line, reason: "invalid_row", message: "\(error)")
        }
    }

    mutating func recovered(_ kind: String) {
        summary.recovered[kind, default: 0] += 1
    }

    mutating func warn(_ message: String) {
        summary.warnings.append(message)
    }

    /// A file that could not be read at all: counted as one dropped row, at the line where
    /// reading stopped (1 when the file could not be opened).
    mutating func unreadable(_ error: Error, expected: String) {
        summary.rowsRead += 1
        let rowError = error as? RowError
        drop(line: rowError?.line ?? 1, reason: rowError?.reason ?? "unreadable_file",
             message: "not \(expected): \(rowError?.message ?? "\(error)")")
    }

    /// A folder given as input that holds no file of the format: one dropped row, at line 1.
    mutating func missingInput(_ error: Error) {
        summary.rowsRead += 1
        drop(line: 1, reason: "no_input_file", message: (error as? ImportInputError)?.reason ?? "\(error)")
    }

    /// The text of `url`, or `nil` after logging the whole file as unreadable.
    mutating func text(of url: URL) -> String? {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            unreadable(error, expected: "a readable UTF-8 file")
            return nil
        }
    }

    /// The rows of the JSON array in `url` (under `key` when the array sits in an object), or
    /// `nil` after logging the whole file as unreadable.
    mutating func arrayRows(of url: URL, key: String? = nil, expected: String) -> [SourceRow]? {
        do {
            return try JSONSource.arrayElements(of: String(contentsOf: url, encoding: .utf8), key: key)
        } catch {
            unreadable(error, expected: expected)
            return nil
        }
    }

    private mutating func drop(line: Int, reason: String, message: String) {
        summary.dropped += 1
        summary.droppedByReason[reason, default: 0] += 1
        issues.append(ImportIssue(file: summary.path, line: line, reason: reason, message: message))
    }
}
