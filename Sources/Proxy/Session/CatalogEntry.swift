import Episodes
import MCP

/// A tool as the agent sees it: its exposed name (prefixed `UPSTREAM__tool` when two
/// upstreams offer the same name), where it lives, its definition as the upstream sent it, and
/// the findings that hold it back, if any.
struct CatalogEntry: Sendable {
    var exposedName: String
    var upstream: String
    var originalName: String
    /// The upstream's definition with `name` replaced by the exposed name: what `tools/list` sends.
    var definition: Value
    /// The same definition in the step schema, under the exposed name: what rules and policy read.
    var tool: Episodes.Tool
    var findings: [RuleFinding]

    init(upstream: String, definition raw: [String: Value], exposedName: String) {
        self.exposedName = exposedName
        self.upstream = upstream
        originalName = raw["name"]?.stringValue ?? ""
        var renamed = raw
        renamed["name"] = .string(exposedName)
        definition = .object(renamed)
        tool = Episodes.Tool(name: exposedName,
                    description: raw["description"]?.stringValue ?? "",
                    inputSchema: raw["inputSchema"].map(JSONValue.init) ?? .object([:]),
                    annotations: raw["annotations"].map(JSONValue.init))
        findings = []
    }

    /// The definition under the upstream's own name, as pinned and scanned.
    var originalTool: Episodes.Tool {
        var original = tool
        original.name = originalName
        return original
    }
}
