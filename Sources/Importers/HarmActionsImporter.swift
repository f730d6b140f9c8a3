import Foundation
import Episodes

/// HarmActions (Agent Action Guard): one labelled tool call per row. The call is the episode's
/// only step, pending. `classification` maps to the step label: `safe` → `safe`, `harmful` and
/// `unethical` → `unsafe` (both must be blocked); the original class is the step's `risk_type`,
/// and `risk_level`, `flag_reason` and `manipulated_prompt` are kept in the metadata.
enum HarmActionsImporter {
    static let source = "harmactions"

    static func importFile(_ url: URL) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        guard let rows = log.arrayRows(of: url, expected: "a JSON array of actions") else { return ([], log) }
        for row in rows {
            log.row(line: row.line) { _ in [try episode(from: JSONSource.decode(row), file: url.lastPathComponent)] }
        }
        return (log.episodes, log)
    }

    static func episode(from row: JSONValue, file: String) throws -> Episode {
        let prompt = try row.requiredString("prompt")
        let classification = try row.requiredString("classification")
        let label: StepLabel
        switch classification.lowercased() {
        case "safe": label = .safe
        case "harmful", "unethical": label = .unsafe
        default: throw RowError("unknown_classification", "classification '\(classification)' is not safe, harmful or unethical")
        }
        let function = row["action"]?["function"] ?? row["action"]
        guard let tool = function?["name"]?.string else { throw RowError("missing_field", "missing field 'action.function.name'") }
        let step = Step(action: Action(tool: tool, arguments: EmbeddedJSON.arguments(function?["arguments"])),
                        label: label, riskType: label == .safe ? nil : classification.lowercased(), pending: true)
        var metadata: [String: JSONValue] = [:]
        for key in ["action_id", "classification", "risk_level", "flag_reason", "manipulated_prompt"] {
            metadata[key] = row[key]
        }
        let actionID = row["action_id"].map(\.canonicalText) ?? "?"
        return Episode(id: "\(file)#\(actionID)", source: source, task: AgentTask(instruction: prompt),
                       tools: [Tool(name: tool, description: "")], steps: [step], metadata: metadata)
    }
}
