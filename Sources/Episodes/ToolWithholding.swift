/// A tool the policy keeps from the agent for now, and why.
public struct ToolWithholding: Codable, Hashable, Sendable {
    public var tool: String
    public var reason: String

    public init(tool: String, reason: String) {
        self.tool = tool
        self.reason = reason
    }
}
