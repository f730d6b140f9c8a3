import Foundation
import Episodes

/// AgentHarm behaviours (`{"canary_guid", "behaviors": [...]}`): harmful ones, their benign
/// twins and chat-only prompts, each file's role read from what it holds (`role(of:fileName:)`).
/// The tools are the behaviour's target functions with their
/// schemas from the tool libraries in `toolsets/` (a harmful behaviour takes a name from a
/// `Harmful*` library first, a benign one from `Benign*`). The source labels the task itself:
/// harmful → `task_label: unsafe`, benign → `safe`. Every episode is evaluation-only: AgentHarm's
/// terms forbid training on it.
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
        let directory = toolsets ?? urls.first.map {
            $0.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("toolsets")
        }
        let libraries = directory.map(loadLibraries) ?? []
        return urls.map { importFile($0, libraries: libraries) }
    }

    private struct Library {
        var name: String
        var tools: [String: Tool]
    }

    private static func loadLibraries(_ directory: URL) -> [Library] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.compactMap { url in
            guard let data = try? Data(contentsOf: url),
                  let value = try? JSONDecoder().decode(JSONValue.self, from: data),
                  let tools = value["tools"]?.array else { return nil }
            let parsed = tools.compactMap { try? OpenAIFunction.tool($0) }
            return Library(name: url.deletingPathExtension().lastPathComponent,
                           tools: Dictionary(parsed.map { ($0.name, $0) }) { first, _ in first })
        }
    }

    private static func importFile(_ url: URL, libraries: [Library]) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        guard let rows = log.arrayRows(of: url, key: "behaviors", expected: "an AgentHarm file with a 'behaviors' list") else { return ([], log) }
        let name = url.deletingPathExtension().lastPathComponent
        let role = (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
            .flatMap { self.role(of: $0, fileName: name) } ?? .harmful
        let benign = role == .benign
        let split = split(ofFileName: name)
        for row in rows {
            log.row(line: row.line) { _ in
                let behaviour = try JSONSource.decode(row)
                let behaviourID = try behaviour.requiredString("id")
                let prompt = try behaviour.requiredString("prompt")
                let targets = behaviour["target_functions"]?.strings ?? []
                let tools = try targets.map { try lookUp($0, benign: benign, in: libraries) }
                var metadata: [String: JSONValue] = [:]
                for key in ["name", "category", "id_original", "detailed_prompt", "hint_included", "grading_function"] {
                    metadata[key] = behaviour[key]
                }
                metadata["target_functions"] = .array(targets.map(JSONValue.string))
                metadata["harmful"] = .bool(!benign)
                metadata["kind"] = .string(role.rawValue)
                return [Episode(id: "\(source):\(name):\(behaviourID)", source: source,
                                task: AgentTask(instruction: prompt), tools: tools, steps: [],
                                taskLabel: benign ? .safe : .unsafe, split: split, evaluationOnly: true,
                                metadata: metadata)]
            }
        }
        return (log.episodes, log)
    }

    private static func lookUp(_ name: String, benign: Bool, in libraries: [Library]) throws -> Tool {
        let preferred = benign ? "Benign" : "Harmful"
        let ordered = libraries.filter { $0.name.hasPrefix(preferred) } + libraries.filter { !$0.name.hasPrefix(preferred) }
        guard let tool = ordered.lazy.compactMap({ $0.tools[name] }).first else {
            throw RowError("unknown_tool", "target function '\(name)' is in no tool library")
        }
        return tool
    }
}
