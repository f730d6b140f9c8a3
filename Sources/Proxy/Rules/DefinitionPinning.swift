import Episodes

/// Remembers each tool's name, description and input schema the first time the proxy sees it;
/// a later definition that differs is held back, not silently adopted. A changed description
/// is a rug pull (SAF-T1201); a changed schema is full-schema poisoning (SAF-T1501).
public struct DefinitionPinning: Sendable {
    /// Pinned canonical text per upstream-qualified tool name; compared whole, so no hash
    /// collision can slip a changed definition through (the hash is only for the log).
    private var pins: [String: (description: String, schema: String)] = [:]

    public init() {}

    public static func fingerprint(_ tool: Tool) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (tool.name + "\u{0}" + tool.description + "\u{0}" + tool.inputSchema.canonicalText).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Pins `tool` at first sight; afterwards the finding that explains a difference, if any.
    public mutating func check(_ tool: Tool, key: String) -> RuleFinding? {
        let current = (description: tool.description, schema: tool.inputSchema.canonicalText)
        guard let pinned = pins[key] else {
            pins[key] = current
            return nil
        }
        if pinned.schema != current.schema {
            return RuleFinding(rule: "definition-pinning", technique: "SAF-T1501",
                reason: "tool \(tool.name): its input schema changed since it was first seen (now \(Self.fingerprint(tool))); held back")
        }
        if pinned.description != current.description {
            return RuleFinding(rule: "definition-pinning", technique: "SAF-T1201",
                reason: "tool \(tool.name): its description changed since it was first seen (now \(Self.fingerprint(tool))); held back")
        }
        return nil
    }
}
