import Episodes
import Foundation

/// Reads every string of a definition an upstream offers the agent — a tool (name, title,
/// description, annotations, `_meta`, input and output schema, property names included), a
/// prompt, a resource or resource template, the server's `initialize` instructions — the way a
/// model would, looking for instructions aimed at the model rather than the user
/// (`InstructionScanner`) and for invisible or bidi characters that hide text from a human
/// reviewer (SAF-T1402).
///
/// Techniques: in a tool, SAF-T1001 (tool poisoning), or SAF-T1501 (full-schema poisoning) when
/// the instruction sits in the input or output schema; in a prompt, resource or the server's
/// instructions, SAF-T1401 (line jumping: text the client puts before the model before any tool
/// is called); SAF-T1301 (cross-server tool shadowing) wherever a definition tells the model how
/// to use other tools, or names a tool another upstream offers.
public enum DescriptionScanner {
    /// What is being scanned, as a reason names it: `tool get_weather`, `prompt summarize`.
    public struct Subject: Sendable {
        public var label: String
        /// The technique of an instruction found under a top-level key of the definition.
        var technique: @Sendable (String) -> String

        public static func tool(_ name: String) -> Subject {
            Subject(label: "tool \(name)") { ["inputSchema", "outputSchema"].contains($0) ? "SAF-T1501" : "SAF-T1001" }
        }

        public static func prompt(_ name: String) -> Subject { Subject(label: "prompt \(name)") { _ in "SAF-T1401" } }
        public static func resource(_ uri: String) -> Subject { Subject(label: "resource \(uri)") { _ in "SAF-T1401" } }
        public static func resourceTemplate(_ uri: String) -> Subject { Subject(label: "resource template \(uri)") { _ in "SAF-T1401" } }
        public static func instructions(of upstream: String) -> Subject { Subject(label: "upstream \(upstream)") { _ in "SAF-T1401" } }
    }

    /// How a reason names the part of a definition under a top-level key (any other key `K`:
    /// `its K field`).
    static let places: [String: String] = [
        "name": "its name", "title": "its title", "description": "its description", "annotations": "an annotation",
        "_meta": "its _meta", "inputSchema": "its input schema", "outputSchema": "its output schema",
        "arguments": "an argument", "uriTemplate": "its URI template", "instructions": "its instruction text",
    ]

    /// Every finding for a tool definition as the upstream sent it; `foreignTools` are the
    /// names of tools other upstreams offer (and the proxy's own), which no definition has a
    /// reason to mention.
    public static func scan(tool definition: JSONValue, foreignTools: [String] = []) -> [RuleFinding] {
        scan(definition, subject: .tool(definition["name"]?.string ?? ""), foreignTools: foreignTools)
    }

    /// The same for a tool in the step schema.
    public static func scan(_ tool: Tool) -> [RuleFinding] {
        var definition: [String: JSONValue] = ["name": .string(tool.name), "description": .string(tool.description), "inputSchema": tool.inputSchema]
        definition["annotations"] = tool.annotations
        return scan(tool: .object(definition))
    }

    /// The server's `initialize` instructions.
    public static func scan(instructions: String, upstream: String) -> [RuleFinding] {
        scan(.object(["instructions": .string(instructions)]), subject: .instructions(of: upstream))
    }

    /// Any definition object, each top-level key a place; identifiers (names, keys) are read
    /// split into words too.
    public static func scan(_ definition: JSONValue, subject: Subject, foreignTools: [String] = []) -> [RuleFinding] {
        guard case .object(let members) = definition else { return [] }
        var findings: [RuleFinding] = []
        func add(_ finding: RuleFinding) {
            if !findings.contains(finding) { findings.append(finding) }
        }
        for key in members.keys.sorted() {
            let place = places[key] ?? "its \(key) field"
            let strings = members[key]!.allStrings
            for text in strings {
                let invisible = InvisibleCharacters.find(in: text)
                if !invisible.isEmpty {
                    add(RuleFinding(rule: "description-scan", technique: "SAF-T1402",
                        reason: "\(subject.label): \(place) contains invisible or bidi characters (\(invisible.joined(separator: ", ")))"))
                }
                for match in InstructionScanner.matches(in: text) {
                    add(RuleFinding(rule: "description-scan", technique: match.shadowing ? "SAF-T1301" : subject.technique(key),
                        reason: "\(subject.label): \(place) \(match.description)"))
                }
            }
            for name in InstructionScanner.mentions(of: foreignTools, in: strings.joined(separator: "\n")) {
                add(RuleFinding(rule: "description-scan", technique: "SAF-T1301",
                    reason: "\(subject.label): \(place) names \(name), a tool this server does not offer"))
            }
        }
        return findings
    }
}
