import Episodes
import Foundation

/// A suite built from public data, with what the importer had to decide or leave out.
public struct ImportedSuite {
    public var suite: Suite
    /// One line per kind of decision or loss, with counts ("3 cases skipped: no recorded tool call").
    public var summary: [String]
}

public struct ImportError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// What the importers share: reading JSON, turning OpenAI function specs into tools,
/// placeholders for what the data does not record, and the final validation pass.
enum ImportSupport {
    /// Stands in for an observation the data does not record; never mistaken for tool output.
    static let missingObservation = "(no observation recorded)"

    /// Every imported task offers it: the agent's plain reply to the user (report, ask for
    /// permission or clarification), which is how the public safe workflows end.
    static let respondToUser = Tool(
        name: "respond_to_user",
        description: "Reply to the user in plain text: report the result or a constraint, or ask for clarification or permission.",
        inputSchema: .object([
            "type": .string("object"),
            "properties": .object(["message": .object(["type": .string("string")])]),
            "required": .array([.string("message")]),
        ]))

    /// A `respond_to_user` step: the agent's reply, with no tool output to record.
    static func reply(_ message: String) -> PlanStep {
        PlanStep(tool: respondToUser.name, arguments: .object(["message": .string(message)]),
                 observation: missingObservation, label: .safe)
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError(path, "cannot read the file") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ImportError(path, "not valid JSON: \(error)")
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// `{type: function, function: {name, description, parameters}}` (or the inner object).
    static func openAITool(_ value: JSONValue) -> Tool? {
        let function = value["function"] ?? value
        guard case .string(let name)? = function["name"] else { return nil }
        var schema = function["parameters"] ?? .object([:])
        if case .object(var keywords) = schema, keywords["type"] == nil {
            keywords["type"] = .string("object")
            schema = .object(keywords)
        }
        return Tool(name: name, description: function["description"]?.string ?? "", inputSchema: schema)
    }

    /// Arguments that satisfy `schema` when the data records none: each required key gets the
    /// first enum value or an empty value of its type.
    static func placeholderArguments(_ schema: JSONValue) -> JSONValue {
        guard case .object(let keywords) = schema else { return .object([:]) }
        var arguments: [String: JSONValue] = [:]
        if case .array(let required)? = keywords["required"] {
            for case .string(let key) in required {
                arguments[key] = placeholder(keywords["properties"]?[key] ?? .object([:]), key: key)
            }
        }
        return .object(arguments)
    }

    static func placeholder(_ schema: JSONValue, key: String) -> JSONValue {
        if case .array(let allowed)? = schema["enum"], let first = allowed.first { return first }
        var type = schema["type"]
        if case .array(let types)? = type { type = types.first }
        switch type?.string {
        case "integer", "number": return .number(0)
        case "boolean": return .bool(false)
        case "array": return .array([])
        case "object": return placeholderArguments(schema)
        case "null": return .null
        default: return .string("<\(key)>")
        }
    }

    /// A recorded observation as text: strings as they are, anything else as compact JSON.
    static func observationText(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case let other?: return other.canonicalText
        }
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
}

/// Tallies of what an importer decided, printed as its summary.
struct ImportCounts {
    private var order: [String] = []
    private var counts: [String: Int] = [:]

    mutating func note(_ what: String) {
        if counts[what] == nil { order.append(what) }
        counts[what, default: 0] += 1
    }

    var lines: [String] { order.map { "\(counts[$0]!) \($0)" } }
}
