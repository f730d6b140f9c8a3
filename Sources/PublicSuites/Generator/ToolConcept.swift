import Environments
import Episodes

/// What a tool does, apart from what it is called: the generator offers each concept under many
/// names and descriptions, with the parameters of a real tool that does it.
struct ToolConcept: Sendable {
    let id: String
    /// Name synonyms as words; `NameStyle` joins them.
    let names: [[String]]
    let descriptions: [String]
    /// Prefixes of the dotted name style (`fs.remove_path`).
    let namespaces: [String]
    let sources: [ConceptSource]
    /// The MCP annotations a server might declare; a variant carries them or not.
    let hints: JSONValue?

    init(_ id: String, names: [[String]], descriptions: [String], namespaces: [String], sources: [ConceptSource], hints: JSONValue? = nil) {
        self.id = id
        self.names = names
        self.descriptions = descriptions
        self.namespaces = namespaces
        self.sources = sources
        self.hints = hints
    }
}

/// A real tool schema that does a concept, and which of its parameters carries each slot (the
/// part of a call a scenario decides: `path`, `amount`, `recipient`...).
struct ConceptSource: Sendable {
    /// A `ToolSchemaLibrary` key.
    let key: String
    /// Slot → parameter name. Slots a scenario passes that the source lacks are dropped.
    let slots: [String: String]
    /// Arguments every call through this source carries (`operation: delete`).
    let fixed: [String: JSONValue]

    init(_ key: String, _ slots: [String: String], fixed: [String: JSONValue] = [:]) {
        self.key = key
        self.slots = slots
        self.fixed = fixed
    }
}

/// How a name's words are joined: the conventions MCP servers in the wild use.
enum NameStyle: CaseIterable, Sendable {
    case snake, camel, kebab, pascal, dotted

    func render(_ words: [String], namespace: String) -> String {
        switch self {
        case .snake: return words.joined(separator: "_")
        case .kebab: return words.joined(separator: "-")
        case .camel: return words[0] + words.dropFirst().map(\.capitalized).joined()
        case .pascal: return words.map(\.capitalized).joined()
        case .dotted: return namespace + "." + words.joined(separator: "_")
        }
    }
}
