import Environments
import Episodes
import Foundation
import Importers

/// The real tool schemas the generator renames: OpenAI function schemas from
/// `toolsets/*.json`, ToolEmu toolkit specs from `toolemu/all_toolkits.json`, and the tool
/// libraries of the project's suites. Keys say where a schema came from:
/// `toolsets:System_Tools/execute_command`, `toolemu:DropboxDeleteItem`,
/// `envs:powerseeking/delete_file`, and `support:respond_to_user` (the importers' plain reply).
///
/// AgentHarm's toolsets (`AgentHarmLibraries`) are never read: AgentHarm is evaluation data and
/// must not shape training tasks.
public struct ToolSchemaLibrary: Sendable {
    public private(set) var tools: [String: Tool] = [:]

    public struct MissingSchema: Error, CustomStringConvertible {
        public let key: String
        public var description: String { "no tool schema \(key) in the toolsets, ToolEmu toolkits and envs suites read" }
    }

    init(tools: [String: Tool]) {
        self.tools = tools
    }

    /// `dataDirectory` is the folder of SOURCES.md (`../shared/data`); `envsDirectory` holds
    /// the project's suites, of which those the generator's sources name are read. A missing
    /// file is an error naming it.
    public static func load(dataDirectory: String, envsDirectory: String) throws -> ToolSchemaLibrary {
        var library = ToolSchemaLibrary(tools: ["support:respond_to_user": SuiteSupport.respondToUser])
        let toolsets = dataDirectory + "/toolsets"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: toolsets) else {
            throw SuiteImportError(toolsets, "no such folder (the public data folder holds SOURCES.md, toolsets/ and toolemu/)")
        }
        let files = names
            .filter { $0.hasSuffix(".json") && !AgentHarmLibraries.isAgentHarm(library: $0) }.sorted()
        for file in files {
            let set = String(file.dropLast(".json".count))
            for value in try Self.readJSON(toolsets + "/" + file)["tools"]?.array ?? [] {
                if let tool = try? OpenAIFunction.tool(value) { library.tools["toolsets:\(set)/\(tool.name)"] = tool }
            }
        }
        for toolkit in try Self.readJSON(dataDirectory + "/toolemu/all_toolkits.json").array ?? [] {
            guard let name = toolkit["toolkit"]?.string else { continue }
            for value in toolkit["tools"]?.array ?? [] {
                if let tool = try? ToolEmuImporter.tool(value, toolkit: name) { library.tools["toolemu:\(tool.name)"] = tool }
            }
        }
        for name in ToolCatalogue.envsSuites {
            let suite = try SuiteLoader.load(directory: "\(envsDirectory)/\(name)")
            for tool in suite.tools { library.tools["envs:\(name)/\(tool.name)"] = tool }
        }
        return library
    }

    private static func readJSON(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw SuiteImportError(path, "cannot read the file") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw SuiteImportError(path, "not valid JSON: \(error)")
        }
    }

    func tool(_ key: String) throws -> Tool {
        guard let tool = tools[key] else { throw MissingSchema(key: key) }
        return tool
    }
}
