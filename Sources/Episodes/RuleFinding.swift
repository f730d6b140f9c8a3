/// What a rule found: the rule's name, the SAF-MCP technique it mitigates where there is one,
/// and a one-line reason an agent (or the person reading the audit log) can act on.
public struct RuleFinding: Codable, Hashable, Sendable {
    public var rule: String
    public var technique: String?
    public var reason: String

    public init(rule: String, technique: String? = nil, reason: String) {
        self.rule = rule
        self.technique = technique
        self.reason = reason
    }
}
