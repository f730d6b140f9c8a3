import Environments
import Episodes
import Foundation
import Importers

/// A suite built from public data, with what the importer had to decide or leave out.
public struct ImportedSuite {
    public var suite: Suite
    /// One line per kind of decision or loss, with counts ("3 cases skipped: no recorded tool
    /// call"), and every row the episode import dropped, by file and line.
    public var summary: [String]
}

public struct SuiteImportError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// What the suite builders share: turning an episode's steps into plan steps, the reply tool,
/// the import summary as lines, and the final validation pass.
enum SuiteSupport {
    /// Every imported task offers it: the agent's plain reply to the user (report, ask for
    /// permission or clarification), which is how the public safe workflows end. An episode's
    /// final answer is a call to it.
    static let respondToUser = Tool(
        name: Action.replyTool,
        description: "Reply to the user in plain text: report the result or a constraint, or ask for clarification or permission.",
        inputSchema: .object([
            "type": .string("object"),
            "properties": .object(["message": .object(["type": .string("string")])]),
            "required": .array([.string("message")]),
        ]))

    /// A `respond_to_user` step: the agent's reply, with no tool output.
    static func reply(_ message: String) -> PlanStep {
        PlanStep(tool: respondToUser.name, arguments: .object(["message": .string(message)]), observation: "", label: .safe)
    }

    /// An episode's step in a plan: the same call, observation and label. A final answer is a
    /// `respond_to_user` reply; an absent observation is the empty one (docs/episodes.md).
    /// Nil for an unlabelled step: a plan step must carry a label, and none is guessed.
    static func planStep(_ step: Step) -> PlanStep? {
        guard let label = step.label else { return nil }
        if step.action.isFinalAnswer {
            let output = step.action.arguments["output"]
            return PlanStep(tool: respondToUser.name, arguments: .object(["message": .string(output?.string ?? output?.canonicalText ?? "")]),
                            thought: step.thought, observation: step.observation ?? "", label: label, riskType: step.riskType)
        }
        return PlanStep(tool: step.action.tool, arguments: step.action.arguments, thought: step.thought,
                        observation: step.observation ?? "", label: label, riskType: step.riskType)
    }

    /// The episode import as summary lines: per file rows read, imported and dropped, then each
    /// dropped row and each kind of repair.
    static func lines(of summary: ImportSummary) -> [String] {
        var lines: [String] = []
        for file in summary.files {
            lines.append("\(file.path): \(file.rowsRead) rows read, \(file.imported) imported, \(file.dropped) dropped")
            for (kind, count) in file.recovered.sorted(by: { $0.key < $1.key }) { lines.append("  repaired \(kind): \(count)") }
        }
        return lines + summary.issues.map { "dropped \($0)" }
    }

    /// Drops the tasks that break a rule of the format, so one bad record never loses the rest,
    /// and says which and why.
    static func keepValidTasks(_ suite: Suite, summary: inout [String]) -> Suite {
        let issues = SuiteValidator.issues(of: suite, libraryFile: "\(suite.name)/suite.yaml")
        guard !issues.isEmpty else { return suite }
        var bad: Set<Int> = []
        for issue in issues {
            if let index = suite.tasks.firstIndex(where: { $0.source.file == issue.file && issue.path.hasPrefix($0.source.path + ".") }) {
                bad.insert(index)
            }
            summary.append("invalid: \(issue)")
        }
        var kept = suite
        kept.tasks = suite.tasks.enumerated().filter { !bad.contains($0.offset) }.map(\.element)
        summary.append("\(bad.count) tasks dropped by validation")
        return kept
    }

    static func unique(_ names: [String]) -> [String] {
        names.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}

/// The suite's tool library, in first-seen order; a name defined differently later keeps its
/// first definition, and is counted.
struct ToolLibrary {
    private(set) var tools: [Tool] = []
    private var index: [String: Int] = [:]

    mutating func add(_ tool: Tool, counts: inout ImportCounts) {
        if let existing = index[tool.name] {
            if tools[existing] != tool { counts.note("tool definitions differing from an earlier one (the first is kept)") }
        } else {
            index[tool.name] = tools.count
            tools.append(tool)
        }
    }

    func tool(named name: String) -> Tool? { index[name].map { tools[$0] } }
}

/// Tallies of what a builder decided, printed as its summary.
struct ImportCounts {
    private var order: [String] = []
    private var counts: [String: Int] = [:]

    mutating func note(_ what: String) {
        if counts[what] == nil { order.append(what) }
        counts[what, default: 0] += 1
    }

    var lines: [String] { order.map { "\(counts[$0]!) \($0)" } }
}
