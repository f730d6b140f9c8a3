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
}
