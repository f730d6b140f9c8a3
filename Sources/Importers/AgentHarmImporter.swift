import Foundation
import Episodes

/// AgentHarm behaviours (`{"canary_guid", "behaviors": [...]}`): harmful ones, their benign
/// twins and chat-only prompts, each file's role read from what it holds (`role(of:fileName:)`).
/// The tools are the behaviour's target functions with their schemas from the tool libraries in
/// `toolsets/`: one definition per name, from the first library in name order that has it, for
/// harmful and benign behaviours alike (`BenignCommunication` and `HarmfulCommunication` both
/// define `send_email`, with different required keys). Twins that showed the agent different
/// texts for the same tool would let a defense tell them apart by the description, and a suite
/// holds one definition per name. The steps are the target functions in order: AgentHarm records neither
/// arguments nor outputs, so each call has placeholder arguments that satisfy its schema and no
/// observation. A harmful behaviour's last call is `unsafe` (the harm is done once the chain
/// completes), the one before it `critical`, earlier ones `safe`; a benign twin's calls are all
/// `safe`. The task itself is labelled too: harmful and chat → `unsafe`, benign → `safe`.
/// Withheld: a harmful behaviour's functions its benign twin (same id, among the inputs) does
/// not call; nothing for benign and chat. Every episode is evaluation-only: AgentHarm's terms
/// forbid training on it.
enum AgentHarmImporter {
    static let source = "agentharm"

    enum Role: String {
        case harmful, benign, chat
    }

    /// Chat behaviours have no target functions; benign twins say so in the file name or in
    /// every behaviour's name (`Fake reviews - Benign`); the rest are harmful. Nil: no
    /// `behaviors` list, not an AgentHarm file.
    static func role(of value: JSONValue, fileName: String) -> Role? {
        guard let behaviours = value["behaviors"]?.array else { return nil }
        if !behaviours.isEmpty, behaviours.allSatisfy({ $0["target_functions"] == nil }) { return .chat }
        let names = behaviours.compactMap { $0["name"]?.string }
        if fileName.lowercased().contains("benign") || (!names.isEmpty && names.allSatisfy { $0.lowercased().hasSuffix("benign") }) {
            return .benign
        }
        return .harmful
    }

    /// The split a release names its files by: `validation`, `test_public` (also spelt
    /// `public_test`), `test`.
    static func split(ofFileName name: String) -> String? {
        let words = Set(name.lowercased().split { !$0.isLetter }.map(String.init))
        if words.contains("validation") { return "validation" }
        if words.contains("test") { return words.contains("public") ? "test_public" : "test" }
        return nil
    }

    static func importFiles(_ urls: [URL], toolsets: URL?) -> [(episodes: [Episode], log: ImportLog)] {
        let directory = toolsets ?? AgentHarmLibraries.defaultDirectory(besides: urls)
        let libraries = (directory.map(AgentHarmLibraries.libraries) ?? []).map { library in
            Library(name: library.name, tools: Dictionary(library.tools.map { ($0.name, $0) }) { first, _ in first })
        }
        var perFile = urls.map { importFile($0, libraries: libraries) }
        var twinFunctions: [String: [String]] = [:]
        for episode in perFile.flatMap(\.episodes) where episode.metadata?["kind"] == .string(Role.benign.rawValue) {
            if let id = episode.metadata?["behavior_id"]?.string { twinFunctions[id] = episode.steps.map(\.action.tool) }
        }
        for file in perFile.indices {
            perFile[file].episodes = perFile[file].episodes.map { episode in
                var episode = episode
                if episode.metadata?["kind"] == .string(Role.harmful.rawValue) {
                    episode.withheldTools = episode.metadata?["behavior_id"]?.string.flatMap { twinFunctions[$0] }.map { twin in
                        unique(episode.steps.map(\.action.tool).filter { !twin.contains($0) })
                    }
                } else {
                    episode.withheldTools = []
                }
                return episode
            }
        }
        return perFile
    }

    private struct Library {
        var name: String
        var tools: [String: Tool]
    }

    private static func importFile(_ url: URL, libraries: [Library]) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        guard let rows = log.arrayRows(of: url, key: "behaviors", expected: "an AgentHarm file with a 'behaviors' list") else { return ([], log) }
        let name = url.deletingPathExtension().lastPathComponent
        let role = (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
            .flatMap { self.role(of: $0, fileName: name) } ?? .harmful
        let split = split(ofFileName: name)
        for row in rows {
            log.row(line: row.line) { _ in
                let behaviour = try JSONSource.decode(row)
                let behaviourID = try behaviour.requiredString("id")
                let prompt = try behaviour.requiredString("prompt")
                let targets = behaviour["target_functions"]?.strings ?? []
                let tools = try targets.map { try lookUp($0, in: libraries) }
                let category = behaviour["category"]?.string
                let steps = tools.enumerated().map { position, tool -> Step in
                    let label: StepLabel = role == .benign ? .safe
                        : position == tools.count - 1 ? .unsafe : position == tools.count - 2 ? .critical : .safe
                    return Step(action: Action(tool: tool.name, arguments: PlaceholderArguments.satisfying(tool.inputSchema)),
                                label: label, riskType: label == .safe ? nil : category)
                }
                var metadata: [String: JSONValue] = [:]
                for key in ["name", "category", "id_original", "detailed_prompt", "hint_included", "grading_function"] {
                    metadata[key] = behaviour[key]
                }
                metadata["behavior_id"] = .string(behaviourID)
                metadata["target_functions"] = .array(targets.map(JSONValue.string))
                metadata["harmful"] = .bool(role != .benign)
                metadata["kind"] = .string(role.rawValue)
                metadata["placeholder_arguments"] = .bool(true)
                return [Episode(id: "\(source):\(name):\(behaviourID)", source: source,
                                task: AgentTask(instruction: prompt), tools: unique(tools), steps: steps,
                                taskLabel: role == .benign ? .safe : .unsafe, split: split, evaluationOnly: true,
                                metadata: metadata)]
            }
        }
        return (log.episodes, log)
    }

    private static func unique<Element: Equatable>(_ items: [Element]) -> [Element] {
        items.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    private static func lookUp(_ name: String, in libraries: [Library]) throws -> Tool {
        guard let tool = libraries.lazy.compactMap({ $0.tools[name] }).first else {
            throw RowError("unknown_tool", "target function '\(name)' is in no tool library")
        }
        return tool
    }
}
