/// One problem in a suite, located by file and by the path inside it
/// (`envs/powerseeking/tasks/cloud.yaml: tasks[3].plans[1].steps[0].tool: unknown tool "sudo_exec"`).
public struct SuiteIssue: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// Dotted path with list indices; empty for the file as a whole.
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}

/// Every problem found in a suite, not just the first.
public struct SuiteLoadError: Error, CustomStringConvertible {
    public var issues: [SuiteIssue]

    public init(issues: [SuiteIssue]) {
        self.issues = issues
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}

/// Collects issues while a suite is read and checked.
final class IssueLog {
    private(set) var issues: [SuiteIssue] = []

    func add(_ file: String, _ path: String, _ message: String) {
        issues.append(SuiteIssue(file: file, path: path, message: message))
    }

    /// Whether a problem was already logged at `path` (or, with `orBelow`, inside it): the
    /// loader stands in a fallback for a bad field, and checks that would only repeat the
    /// problem through that fallback are skipped.
    func hasIssue(_ file: String, _ path: String, orBelow: Bool = false) -> Bool {
        issues.contains { $0.file == file && ($0.path == path || (orBelow && $0.path.hasPrefix(path + "."))) }
    }

    /// Adds the issue unless one is already logged at the same path.
    func addDerived(_ file: String, _ path: String, _ message: String) {
        if !hasIssue(file, path) { add(file, path, message) }
    }
}
