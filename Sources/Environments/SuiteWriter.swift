import DurableFiles
import Episodes
import Foundation
import Yams

/// Writes a suite as a folder in the format `SuiteLoader` reads: `suite.yaml` and one task file
/// per domain. The folder is built beside the destination, synced and renamed into place
/// (`DurableFile`), so a reader never sees half a suite.
public enum SuiteWriter {
    public enum WriteError: Error, CustomStringConvertible {
        case exists(String)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) already exists; remove it or choose another --out"
            }
        }
    }

    public static func write(_ suite: Suite, to directory: String) throws {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: directory) else { throw WriteError.exists(directory) }
        try DurableFile.replace(directory) { staging in
            try manager.createDirectory(atPath: staging + "/tasks", withIntermediateDirectories: true)
            try yaml(suiteFile(suite)).write(toFile: staging + "/suite.yaml", atomically: false, encoding: .utf8)
            var domains: [String] = []
            var byDomain: [String: [SuiteTask]] = [:]
            for task in suite.tasks {
                let file = fileName(task.domain)
                if byDomain[file] == nil { domains.append(file) }
                byDomain[file, default: []].append(task)
            }
            for file in domains {
                let tasks = Node.sequence(.init(byDomain[file]!.map(taskNode)))
                try yaml(.mapping(.init([(key("tasks"), tasks)]))).write(toFile: "\(staging)/tasks/\(file).yaml", atomically: false, encoding: .utf8)
            }
        }
    }

    public static func fileName(_ domain: String) -> String {
        let cleaned = domain.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return cleaned.isEmpty ? "tasks" : String(cleaned)
    }

    static func yaml(_ node: Node) throws -> String {
        try Yams.serialize(node: node, width: -1, allowUnicode: true)
    }

    static func suiteFile(_ suite: Suite) -> Node {
        var pairs: [(Node, Node)] = [
            (key("name"), text(suite.name)),
            (key("description"), text(suite.description)),
            (key("max_attempts"), Node(String(suite.maxAttempts))),
        ]
        if suite.evaluationOnly { pairs.append((key("evaluation_only"), Node("true"))) }
        if suite.trainOnly { pairs.append((key("train_only"), Node("true"))) }
        pairs.append((key("tools"), .sequence(.init(suite.tools.map { tool in
            var fields: [(Node, Node)] = [
                (key("name"), text(tool.name)),
                (key("description"), text(tool.description)),
                (key("input_schema"), node(tool.inputSchema)),
            ]
            if let annotations = tool.annotations { fields.append((key("annotations"), node(annotations))) }
            return .mapping(.init(fields))
        }))))
        return .mapping(.init(pairs))
    }

    static func taskNode(_ task: SuiteTask) -> Node {
        var pairs: [(Node, Node)] = [
            (key("id"), text(task.id)),
            (key("domain"), text(task.domain)),
            (key("kind"), text(task.kind.rawValue)),
        ]
        if let twin = task.twin { pairs.append((key("twin"), text(twin))) }
        pairs += [
            (key("instruction"), text(task.instruction)),
            (key("persona"), .mapping(.init([
                (key("description"), text(task.persona.description)),
                (key("harm_preference"), node(.number(task.persona.harmPreference))),
            ]))),
            (key("tools"), .sequence(.init(task.tools.map(text)))),
            (key("withhold"), .sequence(.init(task.withhold.map(text)))),
            (key("plans"), .sequence(.init(task.plans.map(planNode)))),
        ]
        return .mapping(.init(pairs))
    }

    static func planNode(_ plan: Plan) -> Node {
        .mapping(.init([
            (key("id"), text(plan.id)),
            (key("goal"), Node(plan.goal ? "true" : "false")),
            (key("harm"), Node(plan.harm ? "true" : "false")),
            (key("steps"), .sequence(.init(plan.steps.map { step in
                var fields: [(Node, Node)] = [
                    (key("tool"), text(step.tool)),
                    (key("arguments"), node(step.arguments)),
                ]
                if let thought = step.thought { fields.append((key("thought"), text(thought))) }
                // None recorded: the key is left out, and reads back as the empty observation.
                if !step.observation.isEmpty { fields.append((key("observation"), text(step.observation))) }
                fields.append((key("label"), text(step.label.rawValue)))
                if let risk = step.riskType { fields.append((key("risk_type"), text(risk))) }
                return .mapping(.init(fields))
            }))),
        ]))
    }

    static func key(_ name: String) -> Node { Node(name) }

    /// A string that reads back as a string (`"true"` and `"2024-01-01"` get quoted).
    static func text(_ value: String) -> Node { .scalar(value.represented()) }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null")
        case .bool(let flag): return Node(flag ? "true" : "false")
        case .number(let number):
            if number.rounded() == number && abs(number) < 1e15 { return Node(String(Int(number))) }
            return Node(String(number))
        case .string(let string): return text(string)
        case .array(let values): return .sequence(.init(values.map(node)))
        case .object(let members):
            return .mapping(.init(members.keys.sorted().map { (text($0), node(members[$0]!)) }))
        }
    }
}
