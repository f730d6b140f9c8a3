import Foundation
import Episodes

/// ToolEmu: test cases (`all_cases.json`), toolkit specs (`all_toolkits.json`) and recorded
/// trajectory logs (JSON lines with `intermediate_steps`). Each case and each trajectory becomes
/// one episode whose tools are its toolkits' tools (`<Toolkit><Tool>`, as ToolEmu names them).
/// Toolkit specs come from the inputs (recognised by content), else from `all_toolkits.json`
/// beside an input.
///
/// ToolEmu labels no step; its cases list the potential risky actions in prose. A tool is
/// risky for a case when the verb its name starts with (after the toolkit's name:
/// `TodoistDeleteTask` → `delete`) occurs in the case's potential risky actions or outcomes
/// (word prefix of the verb's first five letters) and is not a read-only verb (search, get,
/// read, ...). The risky tools are the episode's `withheld_tools`; calls to them are `unsafe`,
/// every other step `safe`, and `metadata.label_origin` is `risky_action_verbs`. A case whose
/// risky actions name no verb of its tools stays unlabelled, with no withheld set.
/// A recording that ends in the recording defense's block (`[MCP Defense]` as the final
/// answer) has no final-answer step — the words are the defense's, not the agent's — and
/// `outcome.goal_achieved` is false.
public enum ToolEmuImporter {
    static let source = "toolemu"
    static let readOnlyVerbs: Set<String> = [
        "search", "get", "read", "list", "view", "check", "retrieve", "find", "query", "fetch", "show", "lookup",
        "look", "describe", "browse", "download", "analyze", "track", "inspect", "recognize", "detect",
    ]
    static let defenseBlock = "[MCP Defense]"

    struct Toolkit {
        var tools: [Tool]
        var category: String?
    }

    static func importFiles(_ urls: [URL]) -> [(episodes: [Episode], log: ImportLog)] {
        var toolkits: [String: Toolkit] = [:]
        var toolkitLogs: [ImportLog] = []
        var others: [URL] = []
        for url in urls {
            if isToolkitList(url) {
                let (loaded, log) = loadToolkits(url)
                toolkits.merge(loaded) { first, _ in first }
                toolkitLogs.append(log)
            } else {
                others.append(url)
            }
        }
        if toolkits.isEmpty {
            for directory in Set(others.map { $0.deletingLastPathComponent() }) {
                let sibling = directory.appendingPathComponent("all_toolkits.json")
                if FileManager.default.fileExists(atPath: sibling.path) {
                    toolkits.merge(loadToolkits(sibling).toolkits) { first, _ in first }
                }
            }
        }
        return toolkitLogs.map { ([], $0) } + others.map { importFile($0, toolkits: toolkits) }
    }

    /// A toolkit file is a JSON array whose elements have `toolkit` and `tools`.
    private static func isToolkitList(_ url: URL) -> Bool {
        guard let text = try? String(contentsOf: url, encoding: .utf8), text.drop(while: \.isWhitespace).first == "[",
              let first = try? JSONSource.arrayElements(of: text).first,
              let element = EmbeddedJSON.decodeJSON(String(first.text)) else { return false }
        return element["toolkit"] != nil && element["tools"] != nil
    }

    private static func loadToolkits(_ url: URL) -> (toolkits: [String: Toolkit], log: ImportLog) {
        var log = ImportLog(path: url.path)
        var toolkits: [String: Toolkit] = [:]
        guard let rows = log.arrayRows(of: url, expected: "a JSON array of toolkits") else { return ([:], log) }
        for row in rows {
            log.row(line: row.line) { _ in
                let spec = try JSONSource.decode(row)
                let name = try spec.requiredString("toolkit")
                toolkits[name] = Toolkit(tools: try (spec["tools"]?.array ?? []).map { try tool($0, toolkit: name) },
                                         category: spec["category"]?.string)
                return []
            }
        }
        return (toolkits, log)
    }

    /// ToolEmu lists parameters as `[{name, type, description, required}]`; the input schema is
    /// the JSON Schema they describe.
    /// One tool of a ToolEmu toolkit spec, as the generator offers it too.
    public static func tool(_ spec: JSONValue, toolkit: String) throws -> Tool {
        let name = try spec.requiredString("name")
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        for parameter in spec["parameters"]?.array ?? [] {
            let parameterName = try parameter.requiredString("name")
            var property: [String: JSONValue] = [:]
            property["type"] = parameter["type"].map { jsonSchemaType($0) }
            property["description"] = parameter["description"]
            properties[parameterName] = .object(property)
            if parameter["required"]?.bool == true { required.append(.string(parameterName)) }
        }
        return Tool(name: toolkit + name, description: spec["summary"]?.string ?? "",
                    inputSchema: .object(["type": .string("object"), "properties": .object(properties), "required": .array(required)]))
    }

    private static func jsonSchemaType(_ type: JSONValue) -> JSONValue {
        switch type.string {
        case "integer", "number", "string", "boolean", "array", "object": return type
        case "int": return .string("integer")
        case "float": return .string("number")
        case "bool": return .string("boolean")
        default: return type
        }
    }

    private static func importFile(_ url: URL, toolkits: [String: Toolkit]) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        guard let text = log.text(of: url) else { return ([], log) }
        let isCaseList = text.drop { $0.isWhitespace }.first == "["
        let rows: [SourceRow]
        do {
            rows = isCaseList ? try JSONSource.arrayElements(of: text) : JSONSource.lines(of: text)
        } catch {
            log.unreadable(error, expected: "a JSON array of cases")
            return ([], log)
        }
        for (index, row) in rows.enumerated() {
            log.row(line: row.line) { log in
                let value = try JSONSource.decode(row)
                if value["intermediate_steps"] != nil {
                    return [try trajectory(value, id: "\(url.lastPathComponent):\(row.line)", toolkits: toolkits, log: &log)]
                }
                return [try episode(case: value, id: "\(url.lastPathComponent)#\(index)", toolkits: toolkits, steps: [])]
            }
        }
        return (log.episodes, log)
    }

    private static func episode(case value: JSONValue, id: String, toolkits: [String: Toolkit], steps: [Step],
                                outcome: Outcome? = nil, extra: [String: JSONValue] = [:]) throws -> Episode {
        let instruction = try value.requiredString("User Instruction")
        guard let names = value["Toolkits"]?.strings else { throw RowError("missing_field", "missing field 'Toolkits'") }
        var tools: [Tool] = []
        for name in names {
            guard let toolkit = toolkits[name] else { throw RowError("unknown_toolkit", "toolkit '\(name)' is not in the toolkit specs") }
            tools += toolkit.tools
        }
        var metadata = extra
        metadata["recordname"] = value["name"]
        metadata["toolkit_category"] = names.first.flatMap { toolkits[$0]?.category }.map(JSONValue.string)
        metadata["toolkits"] = value["Toolkits"]
        metadata["underspecifications"] = value["Underspecifications"]
        metadata["expected_achievements"] = value["Expected Achievements"]
        metadata["potential_risky_outcomes"] = value["Potential Risky Outcomes"]
        metadata["potential_risky_actions"] = value["Potential Risky Actions"]
        var episode = Episode(id: id, source: source, task: AgentTask(instruction: instruction), tools: tools, steps: steps,
                              outcome: outcome, metadata: metadata)
        // Tier 1 withholds a risky tool only when the instruction does not ask for its action:
        // "delete all tasks named Test" needs TodoistDeleteTask (its risk is deleting too much,
        // which tier 2 judges per call), while a case that only asks to search need not be
        // offered the delete.
        let riskyStems = riskyTools(of: value, tools: tools, toolkits: names)
        let risky = riskyStems.map(\.tool)
        if !risky.isEmpty {
            episode.metadata?["risky_tools"] = .array(risky.map(JSONValue.string))
            let asked = words(of: instruction)
            episode.withheldTools = riskyStems.filter { pair in !asked.contains { $0.hasPrefix(pair.stem) } }.map(\.tool)
            for index in episode.steps.indices {
                episode.steps[index].label = risky.contains(episode.steps[index].action.tool) ? .unsafe : .safe
            }
            episode.metadata?["label_origin"] = .string("risky_action_verbs")
        }
        return episode
    }

    /// The risky tools, each with the stem of its verb (its first five letters) that matched.
    private static func riskyTools(of value: JSONValue, tools: [Tool], toolkits: [String]) -> [(tool: String, stem: String)] {
        let riskWords = words(of: ((value["Potential Risky Actions"]?.array ?? []) + (value["Potential Risky Outcomes"]?.array ?? []))
            .compactMap(\.string).joined(separator: " "))
        return tools.compactMap { tool in
            guard let verb = verb(of: tool.name, toolkits: toolkits), !readOnlyVerbs.contains(verb) else { return nil }
            let stem = String(verb.prefix(5))
            return riskWords.contains { $0.hasPrefix(stem) } ? (tool.name, stem) : nil
        }
    }

    private static func words(of text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter }.map(String.init))
    }

    /// The first word of the tool's own name after its toolkit's name, lowercased.
    private static func verb(of tool: String, toolkits: [String]) -> String? {
        guard let kit = toolkits.first(where: { tool.hasPrefix($0) }) else { return nil }
        let rest = tool.dropFirst(kit.count)
        guard let first = rest.first else { return nil }
        return (String(first) + rest.dropFirst().prefix { !$0.isUppercase }).lowercased()
    }

    /// A trajectory log row: `case` (the test case), `intermediate_steps` as
    /// `[[tool, input, log], [observation, ...]]` pairs, the last one `[[{"output": …}, log], ""]`
    /// (older dumps drop the outer list: `[{"output": …}, log]`).
    private static func trajectory(_ value: JSONValue, id: String, toolkits: [String: Toolkit], log: inout ImportLog) throws -> Episode {
        guard let record = value["case"] else { throw RowError("missing_field", "missing field 'case'") }
        var steps: [Step] = []
        var blocked = false
        for (number, pair) in (value["intermediate_steps"]?.array ?? []).enumerated() {
            let parts = pair.array ?? []
            let call = parts.first?.array ?? (parts.first?["output"] != nil ? parts : nil)
            guard let call, let first = call.first else {
                throw RowError("bad_step", "intermediate step \(number + 1) is not [[tool, input, log], observation]")
            }
            if let output = first["output"] {
                let text = output.string ?? output.canonicalText
                if text.contains(defenseBlock) {
                    blocked = true
                    log.recovered("defense_block_not_a_step")
                    continue
                }
                steps.append(Step(thought: call.count > 1 ? thought(fromLog: call[1].string) : nil, action: .finalAnswer(text)))
                continue
            }
            guard let tool = first.string, call.count >= 2 else {
                throw RowError("bad_step", "intermediate step \(number + 1) has no tool name and input")
            }
            let observation = parts.count > 1 ? parts[1].array?.first : nil
            steps.append(Step(thought: call.count > 2 ? thought(fromLog: call[2].string) : nil,
                              action: Action(tool: tool, arguments: EmbeddedJSON.arguments(call[1])),
                              observation: EmbeddedJSON.observationText(observation)))
        }
        var extra: [String: JSONValue] = [:]
        extra["sim_type"] = value["sim_type"]
        extra["agent_llm"] = value["agent_llm"]
        extra["recordidx"] = value["recordidx"]
        extra["recorded_run"] = .bool(true)
        return try episode(case: record, id: id, toolkits: toolkits, steps: steps,
                           outcome: blocked ? Outcome(goalAchieved: false) : nil, extra: extra)
    }

    /// The agent's log is its reasoning followed by `Action:`/`Final Answer:` lines; the
    /// reasoning is the thought.
    private static func thought(fromLog log: String?) -> String? {
        guard let log else { return nil }
        let cut = ["\nAction:", "Action:", "Final Answer:"].compactMap { log.range(of: $0)?.lowerBound }.min() ?? log.endIndex
        let text = log[..<cut].trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
