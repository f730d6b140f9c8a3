import Episodes
import Foundation

/// AgentHarm's functions in the public data: the `Benign*` and `Harmful*` tool libraries of
/// `toolsets/` are AgentHarm's target functions converted (SOURCES.md). The AgentHarm importer
/// reads their schemas, the SafeMCP importer recognises the rows built on them, and the task
/// generator never reads them: AgentHarm's terms allow evaluation only.
public enum AgentHarmLibraries {
    /// Whether a file (or library) name of `toolsets/` is one of AgentHarm's libraries.
    public static func isAgentHarm(library name: String) -> Bool {
        name.hasPrefix("Benign") || name.hasPrefix("Harmful")
    }

    /// `toolsets/` beside the folder of the first input, as the public data is laid out
    /// (`data/safemcp/stage2_train.jsonl` → `data/toolsets`).
    static func defaultDirectory(besides inputs: [URL]) -> URL? {
        inputs.first.map { $0.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("toolsets") }
    }

    /// Every tool library (`{"tools": [OpenAI function, ...]}`) in `directory`, in name order;
    /// unreadable files are skipped.
    static func libraries(in directory: URL) -> [(name: String, tools: [Tool])] {
        // By path: listing by URL returns nothing for a folder reached through a symbolic link.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            let url = directory.appendingPathComponent(file)
            guard let data = try? Data(contentsOf: url),
                  let value = try? JSONDecoder().decode(JSONValue.self, from: data),
                  let tools = value["tools"]?.array else { return nil }
            return (url.deletingPathExtension().lastPathComponent, tools.compactMap { try? OpenAIFunction.tool($0) })
        }
    }

    /// The names of AgentHarm's functions in `directory`; empty when it holds none of its libraries.
    static func functionNames(in directory: URL) -> Set<String> {
        Set(libraries(in: directory).filter { isAgentHarm(library: $0.name) }.flatMap { $0.tools.map(\.name) })
    }
}
