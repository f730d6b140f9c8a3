import Foundation
import Episodes

/// AgentHarm behaviours (`{"canary_guid", "behaviors": [...]}`): harmful ones, their benign
/// twins and chat-only prompts. The tools are the behaviour's target functions with their
/// schemas from the tool libraries in `toolsets/` (a harmful behaviour takes a name from a
/// `Harmful*` library first, a benign one from `Benign*`). The source labels the task itself:
/// harmful → `task_label: unsafe`, benign → `safe`. Every episode is evaluation-only: AgentHarm's
/// terms forbid training on it.
enum AgentHarmImporter {
    static let source = "agentharm"

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
        let benign = name.contains("benign")
        let chat = name.contains("chat")
        let split = ["validation", "test_public", "test"].first { name.hasSuffix($0) }
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
                metadata["kind"] = .string(chat ? "chat" : benign ? "benign" : "harmful")
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
